export { KnexRecordService, type RecordServiceDeps } from './record-service.js';
export { DEFAULT_LIMIT, MAX_LIMIT } from './record-reader.js';
export { checkFieldValue, isEmptyValue } from './field-values.js';
export type * from './types.js';
