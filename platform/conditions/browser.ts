/** The browser's view of the condition language: the same evaluator the server uses, without the SQL compiler. */
export * from './types.js';
export { OPERATORS, OPERATOR_NAMES } from './operators.js';
export { checkCondition, parseFact } from './facts.js';
export { compileEvaluator, evaluateCondition, type Evaluator } from './evaluate.js';
