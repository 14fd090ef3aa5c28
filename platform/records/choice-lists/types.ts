/** The choiceList kind's shape (schema part: choice-list.schema.json). */
import type { ChoiceOption, SharedChoiceList } from '../../definitions/types.js';

/** A shared list of options, named by choice fields with `choiceList` (resolved into their `choices`). */
export interface ChoiceListDef extends SharedChoiceList {
  kind: 'choiceList';
  name: string;
  label?: string;
  description?: string;
  choices: ChoiceOption[];
}
