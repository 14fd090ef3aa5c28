/**
 * What every editor of the definition page shares. The page holds one definition (the JSON view's text, parsed);
 * each editor is a tab that is given that definition and, on every change the configurator makes, fires a
 * `DefinitionEditEvent` with the whole new definition. The page keeps the JSON text, the dirty flag and the save
 * (one PUT under If-Match) for every tab alike, so switching tabs never loses an edit.
 */
import type { TemplateResult } from 'lit';
import type { DefinitionError } from '../../api/studio.js';

/** A definition as its file holds it. */
export type Definition = Record<string, unknown>;

/** Fired (bubbling) by an editor with the whole definition after a change. */
export class DefinitionEditEvent extends Event {
  static readonly type = 'fw-definition-edit';
  constructor(readonly definition: Definition) {
    super(DefinitionEditEvent.type, { bubbles: true, composed: true });
  }
}

/** What the page gives an editor. */
export interface EditorContext {
  /** The definition now (parsed from the JSON view). */
  definition: Definition;
  /** Its kind and machine name. */
  kind: string;
  name: string;
  /** The change set it is edited in (for previews and for looking up other definitions). */
  changeSetId: string;
  /** False once the change set is no longer a draft: editors show, never change. */
  editable: boolean;
  /** The server's errors for this definition from the last save, by JSON pointer. */
  errors: DefinitionError[];
}

/** One tab of the definition page. */
export interface EditorTab {
  /** Stable id, used in element ids ("designer", "conditions"…). */
  id: string;
  /** The tab's label. */
  label: string;
  /** Whether this tab applies to a definition of `kind`. */
  appliesTo(kind: string): boolean;
  /** The tab's panel content. */
  render(ctx: EditorContext): TemplateResult;
}
