/**
 * The list's filter model is the condition builder's (ui/conditions): this face keeps the names the list uses.
 */
export { andConditions } from '../conditions/condition-model.js';
export { filterableFields, operatorsFor, OPERATOR_LABELS } from '../conditions/condition-operators.js';
