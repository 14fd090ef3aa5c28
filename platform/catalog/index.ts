/**
 * The service catalogue's runtime: who sees and may order what (visibility.ts), answers checked like record fields
 * (answers.ts), ordering into requests or producers' records (order-service.ts), staged files, the cart, the
 * portal's request views, and the record hook rolling requests up from their items. The kinds themselves (schema,
 * lint, model) are kind.ts, lint.ts and model.ts.
 */
export { catalogRecordHook } from './rollup-hook.js';
export { catalogRouter, catalogServices, catalogUploadRouter, type CatalogServices } from './routes.js';
export { CatalogOrders, catalogActor, type OrderResult } from './order-service.js';
export { CatalogCart } from './cart.js';
export { CatalogRequests } from './requests.js';
export { StagedFiles, STAGE_TABLE } from './staged-files.js';
