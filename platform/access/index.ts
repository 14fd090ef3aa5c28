export { canOperate, assertCanOperate } from './table-access.js';
export {
  accessFor, accessFacts, capabilitiesOf, expandRoles, grantsCapability, hasCapability, scopeCondition, type TableAccess,
} from './policy.js';
