/**
 * Content versions: a table's `versions` option keeps numbered, published versions of a record's content fields;
 * readers see the last published content while a revision is in draft, editors see the working copy and compare
 * versions. The record hook (hook.ts) writes and substitutes; the API (routes.ts, service.ts) lists and compares.
 */
export { contentVersionsRecordHook, unfilterableContent } from './hook.js';
export { versionsRouter } from './routes.js';
export { ContentVersions } from './service.js';
export type * from './types.js';
