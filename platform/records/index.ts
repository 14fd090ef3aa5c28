export { KnexRecordService, type RecordServiceDeps } from './record-service.js';
export { DEFAULT_LIMIT, MAX_LIMIT, TOTAL_CAP } from './record-reader.js';
export { checkFieldValue, isEmptyValue, maxLengthOf } from './field-values.js';
export type * from './types.js';
export { DEFAULT_TAG_SUGGESTIONS, MAX_TAG_SUGGESTIONS } from './tag-counts.js';
