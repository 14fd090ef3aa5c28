/**
 * The one condition language (json-rules-engine condition JSON plus our operators): evaluated in memory
 * (`evaluateCondition`, isomorphic) and compiled to parameterised SQL (`compileToSql`, server only).
 * Browser code imports `./browser.js`, which leaves the SQL compiler out.
 */
export * from './types.js';
export { OPERATORS, OPERATOR_NAMES, MEMORY_ONLY_OPERATORS, RELATIVE_OPERATORS, CHANGE_OPERATORS } from './operators.js';
export { checkCondition, valueProblem, parseFact, FACT_ROOTS, USER_FACTS, type ConditionProblem, type CheckOptions, type ParsedFact } from './facts.js';
export { compileEvaluator, evaluateCondition, type Evaluator } from './evaluate.js';
export { compileToSql, type SqlCompileOptions } from './sql.js';
