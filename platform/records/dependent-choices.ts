/**
 * Dependent choices: a choice field with `dependsOn` offers only the options whose `for` lists the controlling
 * field's current value. Isomorphic (type-only imports): the server enforces it on every write (payload.ts), lint
 * checks the declarations (definitions/lint-choices.ts), and forms filter their options with the same functions.
 */
import type { ChoiceOption } from '../definitions/types.js';

/**
 * The controlling field's value as `for` lists it: a string as is, a boolean as "true" / "false", a number in its
 * decimal form; null when empty (nothing to depend on).
 */
export function controllingKey(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return null;
}

/**
 * Whether an option applies while the controlling field holds `controlling`. An option without `for` always applies,
 * and so does every option while the controlling field is empty: the list is filtered only once there is something
 * to filter by (a form asking for the controlling field first makes it mandatory).
 */
export function choiceApplies(choice: Pick<ChoiceOption, 'for'>, controlling: unknown): boolean {
  const key = controllingKey(controlling);
  return key === null || !choice.for || choice.for.includes(key);
}

/** The options that apply while the controlling field holds `controlling` (all of them without `dependsOn`). */
export function applicableChoices<C extends Pick<ChoiceOption, 'for'>>(
  field: { dependsOn?: string; choices?: C[] }, controlling: unknown,
): C[] {
  const choices = field.choices ?? [];
  return field.dependsOn ? choices.filter((c) => choiceApplies(c, controlling)) : choices;
}
