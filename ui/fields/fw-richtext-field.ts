/**
 * A rich text field, edited with TipTap (ProseMirror) and its starter kit. The editor is a chunk of its own
 * (./richtext-editor.ts), fetched the first time a field is editable: read-only text needs none of it.
 */
import type { Editor } from '@tiptap/core';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import { FieldChangeEvent } from '../events.js';
import { LazyModule, lazyPlaceholder } from '../lazy.js';
import { renderRichText } from '../rich-text.js';
import { describedBy, errorMessage, groupClass, hint, requiredMark, type FieldProps } from './field-parts.js';
import { TOOLBAR, type ToolbarButton } from './richtext-toolbar.js';

const EDITOR = new LazyModule(() => import('./richtext-editor.js'));

/**
 * Rich text: a toolbar (bold, italic, headings, lists, link, quote, code) whose buttons say whether their format
 * applies at the cursor (aria-pressed) and move with the arrow keys (one tab stop), and an editable region named
 * by the field's label and described by its help and error. The editor's keyboard shortcuts work too (Ctrl+B,
 * Ctrl+I, Ctrl+Alt+2…, Ctrl+K for a link). Read-only, the value is shown cleaned (ui/rich-text.ts).
 *
 * @fires fw-field-change - the HTML of the text (null when empty); the server sanitises it again
 */
@customElement('fw-richtext-field')
export class FwRichtextField extends LightElement {
  /** The field, its value and its state, from the form. */
  @property({ attribute: false }) accessor props!: FieldProps;

  /** Bumped on every editor transaction, so the toolbar's pressed states follow the cursor. */
  @state() private accessor tick = 0;
  /** The toolbar button that holds the tab stop. */
  @state() private accessor focusIndex = 0;
  /** The link address being edited, or null when the link box is closed. */
  @state() private accessor linkText: string | null = null;

  #editor: Editor | null = null;
  /**
   * The HTML this widget sent lately: a value coming back from the form that is one of them is the editor's own
   * (the form may still be a keystroke behind) and must not replace the text.
   */
  #sent: (string | null)[] = [];

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#destroy();
  }

  override render() {
    const { field, error, inputId: id, mandatory } = this.props;
    const labelId = `${id}-label`;
    if (this.props.readOnly) return this.#readOnly(labelId);
    if (!EDITOR.module) {
      EDITOR.loadFor(this);
      return html`<div class=${groupClass(error)}>
        <div class="fw-label" id=${labelId}>${field.label}${requiredMark(mandatory)}</div>
        ${hint(id, field.help)}
        ${errorMessage(id, error)}
        ${lazyPlaceholder(EDITOR, this, 'text editor')}
      </div>`;
    }
    return html`<div class=${groupClass(error)}>
      <div class="fw-label" id=${labelId} @click=${() => this.#editor?.commands.focus()}>${field.label}${requiredMark(mandatory)}</div>
      ${hint(id, field.help)}
      ${errorMessage(id, error)}
      <div class="fw-richtext ${error ? 'fw-richtext--error' : ''}">
        <div class="fw-richtext__toolbar" role="toolbar" aria-label=${`${field.label} formatting`} aria-controls=${id}
          @keydown=${this.#onToolbarKey}>
          ${TOOLBAR.map((b, i) => this.#button(b, i))}
        </div>
        ${this.linkText === null ? nothing : this.#linkBox(id)}
        <div class="fw-richtext__mount"></div>
      </div>
    </div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this.props.readOnly) {
      this.#destroy();
      return;
    }
    const value = typeof this.props.value === 'string' ? this.props.value : null;
    if (!this.#editor) this.#create(value);
    // Only a value from outside (a reload, a policy) replaces the text: the form may not have caught up with typing yet.
    else if (changed.has('props') && !this.#sent.includes(value)) {
      this.#sent = [value];
      this.#editor.commands.setContent(value ?? '', { emitUpdate: false });
    }
    this.#syncAttributes();
  }

  #readOnly(labelId: string): TemplateResult {
    const value = typeof this.props.value === 'string' ? this.props.value : '';
    return html`<div class="fw-form-group">
      <dl class="fw-readonly">
        <dt class="fw-label" id=${labelId}>${this.props.field.label}</dt>
        <dd class="fw-readonly__value fw-richtext__view" id=${this.props.inputId}>
          ${value === '' ? html`<span class="fw-secondary-text">Not set</span>` : renderRichText(value)}
        </dd>
      </dl>
    </div>`;
  }

  #button(b: ToolbarButton, i: number): TemplateResult {
    void this.tick;
    const active = this.#editor ? b.isActive(this.#editor) : false;
    return html`<button type="button" class="fw-richtext__button" tabindex=${i === this.focusIndex ? '0' : '-1'}
      aria-pressed=${active ? 'true' : 'false'} title=${`${b.label} (${b.shortcut})`} data-format=${b.name}
      aria-keyshortcuts=${b.keys} @mousedown=${(e: Event) => e.preventDefault()}
      @click=${() => this.#apply(b, i)}>${b.label}</button>`;
  }

  #linkBox(id: string): TemplateResult {
    const inputId = `${id}-link`;
    return html`<div class="fw-richtext__link" @keydown=${this.#onLinkKey}>
      <label class="fw-label" for=${inputId}>Link address</label>
      <div class="fw-hint" id=${`${inputId}-hint`}>A web address starting with https://, or empty to remove the link. Enter applies, Escape cancels.</div>
      <input class="fw-input" id=${inputId} type="url" spellcheck="false" aria-describedby=${`${inputId}-hint`} .value=${this.linkText ?? ''}
        @input=${(e: Event) => { this.linkText = (e.target as HTMLInputElement).value; }}>
      <button type="button" class="fw-button fw-button--secondary" @click=${this.#applyLink}>Apply link</button>
      <button type="button" class="fw-button fw-button--secondary" @click=${this.#closeLink}>Cancel</button>
    </div>`;
  }

  #create(value: string | null) {
    const mount = this.querySelector<HTMLElement>('.fw-richtext__mount');
    const editor = EDITOR.module;
    if (!mount || !editor) return;
    this.#sent = [value];
    this.#editor = editor.createRichTextEditor({
      element: mount,
      content: value ?? '',
      onKeyDown: (e) => this.#onEditorKey(e),
      onTransaction: () => { this.tick += 1; },
      onUpdate: (html) => {
        this.#sent = [...this.#sent.slice(-19), html];
        this.dispatchEvent(new FieldChangeEvent(this.props.field.name, html));
      },
    });
  }

  /** The editable region's name, description and state follow the props (the error comes and goes). */
  #syncAttributes() {
    const dom = this.#editor?.view.dom;
    if (!dom) return;
    const { field, error, inputId: id, mandatory } = this.props;
    const attrs: Record<string, string | undefined> = {
      id, role: 'textbox', 'aria-multiline': 'true', 'aria-labelledby': `${id}-label`,
      'aria-describedby': describedBy(id, field.help, error), 'aria-invalid': error ? 'true' : 'false',
      'aria-required': mandatory ? 'true' : 'false', class: 'fw-richtext__editor ProseMirror',
    };
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined) dom.removeAttribute(k);
      else if (dom.getAttribute(k) !== v) dom.setAttribute(k, v);
    }
  }

  #destroy() {
    this.#editor?.destroy();
    this.#editor = null;
  }

  #apply(b: ToolbarButton, i: number) {
    this.focusIndex = i;
    if (!this.#editor) return;
    if (b.name === 'link') {
      this.#openLink();
      return;
    }
    b.run(this.#editor);
  }

  #onEditorKey(e: KeyboardEvent): boolean {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
      e.preventDefault();
      this.#openLink();
      return true;
    }
    return false;
  }

  #openLink() {
    const href = this.#editor?.getAttributes('link').href as string | undefined;
    this.linkText = href ?? 'https://';
    void this.updateComplete.then(() => this.querySelector<HTMLInputElement>(`#${CSS.escape(`${this.props.inputId}-link`)}`)?.select());
  }

  #applyLink = () => {
    const editor = this.#editor;
    const href = (this.linkText ?? '').trim();
    this.linkText = null;
    if (!editor) return;
    const chain = editor.chain().focus().extendMarkRange('link');
    if (href === '' || href === 'https://') chain.unsetLink().run();
    else chain.setLink({ href }).run();
  };

  #closeLink = () => {
    this.linkText = null;
    this.#editor?.commands.focus();
  };

  #onLinkKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      this.#applyLink();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.#closeLink();
    }
  };

  /** Arrow keys, Home and End move along the toolbar (one tab stop, as the ARIA toolbar pattern has it). */
  #onToolbarKey = (e: KeyboardEvent) => {
    const n = TOOLBAR.length;
    const moves: Record<string, number> = { ArrowRight: this.focusIndex + 1, ArrowLeft: this.focusIndex - 1 + n, Home: 0, End: n - 1 };
    const next = moves[e.key];
    if (next === undefined) return;
    e.preventDefault();
    this.focusIndex = next % n;
    void this.updateComplete.then(() => this.querySelectorAll<HTMLButtonElement>('.fw-richtext__button')[this.focusIndex]?.focus());
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-richtext-field': FwRichtextField;
  }
}
