import { LitElement } from 'lit';

/**
 * The base of every Formwork component: it renders into the element itself (light DOM), not into a shadow root.
 *
 * Why light DOM, once for all of them:
 * - the look is one global stylesheet (styles.css, GOV.UK-style `fw-` classes) that a shadow root would not let in;
 * - ARIA and HTML id references must resolve across components — a field's `<label for>` and `aria-describedby`,
 *   the error summary's links to controls inside the field widgets, `aria-labelledby` of regions — and ids do not
 *   cross shadow boundaries;
 * - the shell finds the page's `main h1` to move focus after a navigation and routes every in-app link from one
 *   click listener, and the browser tests and axe read the document as the person's assistive technology does.
 * Events bubble and context requests reach the shell just the same.
 */
export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}
