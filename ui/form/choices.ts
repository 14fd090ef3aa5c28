/**
 * Dependent choices on any form (record forms and the catalogue's order form): a value that stops applying when its
 * controlling field changes is cleared (the server would refuse it), and the person is told which.
 */
import { choiceApplies, controllingKey } from '../../platform/records/dependent-choices.js';
import type { FieldMeta, RecordData } from '../api/types.js';
import { isEmptyValue } from './values.js';

/**
 * Clear the values of choice fields depending (`dependsOn`, through chains of them) on field `changed` that no
 * longer apply. Returns the new values and the sentence for the polite live region ('' when nothing was cleared).
 */
export function clearInapplicable(
  fields: Record<string, FieldMeta>, values: RecordData, changed: string,
): { values: RecordData; said: string } {
  const said: string[] = [];
  const next = { ...values };
  const queue = [changed];
  while (queue.length) {
    const control = queue.shift()!;
    for (const [name, f] of Object.entries(fields)) {
      if (f.dependsOn !== control || f.type !== 'choice' || isEmptyValue(next[name])) continue;
      const held = Array.isArray(next[name]) ? (next[name] as unknown[]).map(String) : [String(next[name])];
      const dropped = (f.choices ?? []).filter((c) => held.includes(c.value) && !choiceApplies(c, next[control]));
      if (!dropped.length) continue;
      next[name] = f.multiple ? held.filter((v) => !dropped.some((c) => c.value === v)) : null;
      queue.push(name);
      const controlField = fields[control];
      const key = controllingKey(next[control]);
      const shown = controlField?.choices?.find((c) => c.value === key)?.label ?? key;
      const list = dropped.map((c) => `"${c.label}"`).join(', ');
      said.push(`${f.label}: ${list} ${dropped.length > 1 ? 'were cleared, as they do' : 'was cleared, as it does'} not apply when ${controlField?.label ?? control} is "${shown}".`);
    }
  }
  return { values: next, said: said.join(' ') };
}
