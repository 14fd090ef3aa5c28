/**
 * The `choiceList` kind: options shared by choice fields of several tables. platform/definitions/tables.ts copies a
 * list's options into every field naming it (`"choiceList": "priority"`) when it resolves the tables, so lint,
 * forms, the API and the browser see a plain `choices` array and nothing at run time reads the list itself.
 */
import { defineKind } from '../../definitions/kinds.js';
import { readSchemaPart } from '../../definitions/schema.js';
import type { ChoiceListDef } from './types.js';

declare module '../../definitions/kinds.js' {
  interface KindTypes { choiceList: { def: ChoiceListDef; map: 'choiceLists' } }
}

export const choiceListKind = defineKind({
  kind: 'choiceList',
  map: 'choiceLists',
  summary: 'options shared by choice fields of several tables',
  schema: readSchemaPart(new URL('./choice-list.schema.json', import.meta.url)),
  lint(def, ctx) {
    // Values are what records store and conditions compare: two options with one value could never be told apart.
    const seen = new Map<string, number>();
    def.choices.forEach((c, i) => {
      const first = seen.get(c.value);
      if (first !== undefined) ctx.report(`/choices/${i}/value`, `Option "${c.value}" is already listed at /choices/${first}.`, { value: c.value });
      else seen.set(c.value, i);
    });
  },
});
