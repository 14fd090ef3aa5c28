/** What storage depends on of a field (structurally a resolved field; db stays below definitions). */
export interface StoredFieldShape {
  type: string;
  multiple?: boolean;
  scale?: number;
}

/**
 * The storage type of a field: what schema sync compares to decide whether a definition change is additive.
 * Field types that store alike (string, email, phone, url, postcode, single choice) share one storage type, so
 * changing between them is not a type change.
 */
export function storageTypeOf(field: StoredFieldShape): string {
  switch (field.type) {
    case 'uuid': case 'reference': return 'uuid';
    case 'integer': return 'integer';
    case 'decimal': return `decimal(18,${field.scale ?? 2})`;
    case 'currency': return `decimal(18,${field.scale ?? 2})`;
    case 'boolean': return 'boolean';
    case 'date': return 'date';
    case 'datetime': return 'datetime';
    case 'json': case 'attachment': return 'json';
    case 'choice': return field.multiple ? 'json' : 'text';
    default: return 'text';
  }
}

/** The conversion key the dialects use for a field's values (`choice-multiple` for multiple choice). */
export function valueTypeOf(field: Omit<StoredFieldShape, 'scale'>): string {
  return field.type === 'choice' && field.multiple ? 'choice-multiple' : field.type;
}
