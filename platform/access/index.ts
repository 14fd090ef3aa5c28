export { canOperate, assertCanOperate } from './table-access.js';
export {
  accessFor, accessFacts, capabilitiesOf, expandRoles, hasCapability, scopeCondition, type TableAccess,
} from './policy.js';
