/**
 * Lint of dependent choices (`dependsOn` on a choice field, `for` on its options): the controlling field exists in
 * the table, holds one choice, string or boolean value, the `for` values are values it can hold, and no chain of
 * `dependsOn` leads back to where it started.
 */
import { choiceApplies } from './dependent-choices.js';
import type { DefinitionError, ResolvedTable } from '../definitions/types.js';

type Report = (pointer: string, message: string, extra?: Partial<DefinitionError>) => void;

const CONTROLLING_TYPES = new Set(['choice', 'string', 'boolean']);

/** Report the dependent-choice problems of the fields a table declares itself (inherited ones are its parent's). */
export function lintDependentChoices(table: ResolvedTable, report: Report): void {
  for (const name of Object.keys(table.def.fields)) {
    // The resolved field: its options may come from a shared choice list.
    const def = table.fields.get(name);
    if (!def) continue;
    const at = `/fields/${name}`;
    // Options of a shared list are reported at the field's `choiceList`, the place the table can change.
    const shared = table.def.fields[name]!.choiceList !== undefined;
    const optionAt = (i: number, rest: string) => (shared ? `${at}/choiceList` : `${at}/choices/${i}${rest}`);
    if (def.dependsOn === undefined) {
      def.choices?.forEach((c, i) => {
        if (c.for) report(optionAt(i, '/for'), `Option "${c.value}" lists the values it applies to, but field "${name}" has no dependsOn naming the field they belong to.`);
      });
      continue;
    }
    if (def.type !== 'choice') {
      report(`${at}/dependsOn`, `Only choice fields can depend on another field; "${name}" is ${def.type}.`, { value: def.dependsOn });
      continue;
    }
    const control = table.fields.get(def.dependsOn);
    if (!control) {
      report(`${at}/dependsOn`, `Field "${def.dependsOn}" is not a field of table "${table.name}".`, {
        expected: `one of: ${[...table.fields.values()].filter((f) => CONTROLLING_TYPES.has(f.type) && f.name !== name).map((f) => f.name).join(', ')}`,
        value: def.dependsOn,
      });
      continue;
    }
    if (control.name === name) { report(`${at}/dependsOn`, `Field "${name}" cannot depend on itself.`, { value: def.dependsOn }); continue; }
    if (!CONTROLLING_TYPES.has(control.type) || control.multiple) {
      report(`${at}/dependsOn`, `Field "${control.name}" is ${control.multiple ? 'a choice of several values' : control.type}: a controlling field holds one choice, string or boolean value.`, { expected: 'a choice (one value), string or boolean field', value: def.dependsOn });
      continue;
    }
    const valid = control.type === 'choice' ? new Set((control.choices ?? []).map((c) => c.value))
      : control.type === 'boolean' ? new Set(['true', 'false']) : null;
    def.choices?.forEach((c, i) => c.for?.forEach((v, j) => {
      if (valid && !valid.has(v)) {
        report(optionAt(i, `/for/${j}`), `"${v}" is not a value of field "${control.name}".`, { expected: `one of: ${[...valid].join(', ')}`, value: v });
      }
    }));
    // A default that does not apply to the controlling field's default would refuse every create leaving both alone.
    const own = def.choices?.find((c) => c.value === def.default);
    if (own && control.default !== undefined && !choiceApplies(own, control.default)) {
      report(`${at}/default`, `The default "${String(def.default)}" does not apply when "${control.name}" holds its default "${String(control.default)}".`, { value: def.default });
    }
    // Cycles: follow dependsOn from the controlling field; report once, at the field the cycle is found from.
    const path = [name];
    let next: string | undefined = control.name;
    while (next !== undefined && !path.includes(next)) {
      path.push(next);
      next = table.fields.get(next)?.dependsOn;
    }
    if (next === name) report(`${at}/dependsOn`, `Dependent choices form a cycle: ${[...path, name].join(' → ')}.`, { value: def.dependsOn });
  }
}
