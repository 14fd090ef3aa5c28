export { openDatabase, closeDatabase, dialectFor, withStartupLock, type Database } from './connection.js';
export type { Dialect } from './dialects/types.js';
export { runMigrations } from './migrate.js';
export { storageTypeOf, valueTypeOf } from './storage-types.js';
