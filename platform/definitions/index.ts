export * from './types.js';
export * from './kinds.js';
export { loadDefinitionFiles, parseJson, displayPath, type LoadedDocument, type LoadResult } from './loader.js';
export { validateAgainstSchema, assembleSchema, schemaFileText, readSchemaPart } from './schema.js';
export { resolveTables } from './tables.js';
export { lintDefinitions } from './lint.js';
export { closestNames, expectedNames } from './suggest.js';
export { buildRegistry, loadRegistry, validateDefinitions, RegistryHolder, formatDefinitionErrors, type BuildResult, type RegistrySource } from './registry.js';
export { definitionWarnings, internalWords, wordWarnings, type WordCheck } from './words.js';
