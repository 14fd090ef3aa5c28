export * from './types.js';
export { loadDefinitionFiles, parseJson, displayPath, type LoadedDocument, type LoadResult } from './loader.js';
export { validateAgainstSchema, definitionSchema, SCHEMA_PATH } from './schema.js';
export { resolveTables } from './tables.js';
export { lintDefinitions } from './lint.js';
export { buildRegistry, loadRegistry, validateDefinitions, RegistryHolder, formatDefinitionErrors, type BuildResult } from './registry.js';
