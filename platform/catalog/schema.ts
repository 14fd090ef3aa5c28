/**
 * The catalogue kinds' schema part: catalog.schema.json, plus `variable`, derived here from the common `field` so a
 * variable accepts exactly the field model's members that mean something for a question (no columns, indexes or
 * encryption) and nothing drifts when the field model grows.
 */
import { readSchemaPart } from '../definitions/schema.js';
import type { SchemaPart } from '../definitions/kinds.js';
import { VARIABLE_TYPES } from './types.js';

/** Field members that belong to stored columns or records, not to questions. */
const COLUMN_ONLY = ['unique', 'index', 'encrypted', 'readableWhen', 'protected', 'journalType', 'fetchFrom', 'accept', 'maxSize'];

const PLACEMENT = {
  section: {
    type: 'string', minLength: 1, maxLength: 200,
    description: 'Starts a section with this heading at this variable: it and the variables after it (until the next `section`) are grouped under it.',
  },
  width: {
    enum: ['full', 'half', 'third'],
    description: 'How wide the control is: the whole row (default), half of it or a third. Narrow variables next to each other share a row.',
  },
  visibleWhen: { $ref: '#/$defs/condition', description: 'Shown only while this condition over the answers (\"record.<variable>\") holds.' },
  mandatoryWhen: { $ref: '#/$defs/condition', description: 'Mandatory while this condition over the answers holds; the server enforces it too.' },
  readOnlyWhen: { $ref: '#/$defs/condition', description: 'Read-only while this condition over the answers holds.' },
};

function variableShape(field: Record<string, unknown>): Record<string, unknown> {
  const properties = { ...(field.properties as Record<string, Record<string, unknown>>) };
  for (const key of COLUMN_ONLY) delete properties[key];
  properties.type = {
    enum: [...VARIABLE_TYPES],
    description: 'The type of answer: it decides the control shown and the validation applied (the field model\'s types; files are attached to the order, not asked as variables).',
  };
  properties.default = {
    description: 'The answer the question starts with: a literal, "$now" for dates, or a fact of the orderer such as {"fact": "user.email"} (user.firstName, user.lastName, user.displayName, user.email, user.phone, user.username, user.orgId, user.orgCode, user.orgName).',
  };
  return {
    ...field,
    description: 'A question asked when ordering: the field model of tables (type, label, help, required, choices, limits, pattern…) plus its place on the page and its own conditions.',
    properties: { ...properties, ...PLACEMENT },
  };
}

const part = readSchemaPart(new URL('./catalog.schema.json', import.meta.url));
const common = readSchemaPart(new URL('../definitions/common.schema.json', import.meta.url));

/** The catalogue kinds' part of the definition schema. */
export const CATALOG_SCHEMA: SchemaPart = {
  $defs: { ...part.$defs, variable: variableShape(common.$defs.field as Record<string, unknown>) },
};
