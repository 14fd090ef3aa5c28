export { canOperate, assertCanOperate } from './table-access.js';
