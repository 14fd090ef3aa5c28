/**
 * Pieces the studio pages share: kinds in words, the studio's own sub-navigation, machine names shown as labelled
 * code, JSON pointers and values made readable, where a pointer sits in a definition's text, and the minimal
 * template of a new definition.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Crumb } from '../events.js';
import { changeSetsUrl, studioUrl, versionsUrl, type DefinitionError } from '../api/studio.js';
import { words } from './editors/schema-model.js';

/** Each definition kind in words: singular and plural. */
const KINDS: Record<string, [string, string]> = {
  table: ['Table', 'Tables'],
  form: ['Form', 'Forms'],
  rule: ['Business rule', 'Business rules'],
  workflow: ['Workflow', 'Workflows'],
  sla: ['Service level', 'Service levels'],
  role: ['Role', 'Roles'],
  notification: ['Notification', 'Notifications'],
  report: ['Report', 'Reports'],
  job: ['Scheduled job', 'Scheduled jobs'],
  menu: ['Menu', 'Menus'],
  page: ['Page', 'Pages'],
  data: ['Data file', 'Data files'],
  catalog: ['Catalogue', 'Catalogues'],
  catalogCategory: ['Catalogue category', 'Catalogue categories'],
  catalogItem: ['Catalogue item', 'Catalogue items'],
  variableSet: ['Variable set', 'Variable sets'],
  orderGuide: ['Order guide', 'Order guides'],
  queue: ['Work queue', 'Work queues'],
};

/** The kinds a new definition may be started from, in the order offered. */
export const NEW_KINDS = ['table', 'form', 'menu', 'rule', 'workflow', 'role', 'notification', 'job', 'catalogItem', 'catalogCategory'];

/** A kind's title ("Business rule"); `plural` for headings of lists ("Business rules"). */
export function kindTitle(kind: string, plural = false): string {
  const k = KINDS[kind];
  return k ? k[plural ? 1 : 0] : words(kind);
}

/** Where a definition comes from, in words. */
export function packTitle(pack: string): string {
  if (pack === 'studio') return 'Made in the studio';
  if (pack === 'catalog') return 'Service catalogue files';
  return `${words(pack)} pack`;
}

/** The studio's breadcrumb. */
export const studioCrumbs = (...rest: Crumb[]): Crumb[] => [{ label: 'Home', href: '/' }, { label: 'Studio', href: studioUrl }, ...rest];

/** The studio's sections, the current one marked. */
export function studioNav(current: 'definitions' | 'changesets' | 'versions'): TemplateResult {
  const item = (key: typeof current, href: string, label: string) => html`<li class="fw-sub-nav__item">
    <a class="fw-sub-nav__link" href=${href} aria-current=${current === key ? 'page' : nothing}>${label}</a></li>`;
  return html`<nav class="fw-sub-nav" aria-label="Studio">
    <ul class="fw-sub-nav__list">
      ${item('definitions', studioUrl, 'Definitions')}
      ${item('changesets', changeSetsUrl, 'Change sets')}
      ${item('versions', versionsUrl, 'Versions')}
    </ul>
  </nav>`;
}

/**
 * A machine name, for configurators who write it in definitions: labelled as such (`label`), in code type, and
 * marked `data-code` so checks of words for people know it is code, not prose.
 */
export function machineName(name: string, label = 'Name'): TemplateResult {
  return html`<span class="fw-secondary-text">${label}: <code data-code>${name}</code></span>`;
}

/** Decode one JSON pointer segment (RFC 6901). */
const unescapeSegment = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** The segments of a JSON pointer (`/fields/a~1b` → ['fields', 'a/b']). */
export function pointerSegments(pointer: string): string[] {
  return pointer ? pointer.split('/').slice(1).map(unescapeSegment) : [];
}

/** A pointer as people read it: "the whole definition" for the root, else the pointer itself (labelled as code). */
export function pointerText(pointer: string): TemplateResult {
  return pointer ? html`<code data-code>${pointer}</code>` : html`the whole definition`;
}

/** A JSON value, short: strings quoted, objects and arrays on one line, cut after 200 characters. */
export function valueText(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** One definition error as a line of the error summary: where, what is wrong, what was expected. */
export function errorLine(e: DefinitionError): TemplateResult {
  return html`At ${pointerText(e.pointer)}: ${e.message}${e.expected && !e.message.includes(e.expected)
    ? html` Expected: ${e.expected}.` : nothing}`;
}

/**
 * Where a pointer's place starts in a definition's text (found key by key, array items counted by their opening
 * brackets only roughly): the offset of its last key, or of the nearest key found; 0 for the root.
 */
export function pointerOffset(text: string, pointer: string): number {
  let at = 0;
  let found = 0;
  for (const segment of pointerSegments(pointer)) {
    if (/^\d+$/.test(segment)) continue;
    const next = text.indexOf(JSON.stringify(segment), at);
    if (next < 0) break;
    found = next;
    at = next + 1;
  }
  return found;
}

/** A new definition of `kind`: the least it needs, for the configurator to fill in. */
export function definitionTemplate(kind: string, name: string): Record<string, unknown> {
  const label = words(name);
  switch (kind) {
    case 'table':
      return { kind, name, label, fields: { title: { type: 'string', label: 'Title', required: true } }, displayField: 'title' };
    case 'form':
      return { kind, name, label, table: name, sections: [{ columns: [['title']] }] };
    case 'menu':
      return { kind, name, label, items: [{ label, table: name }] };
    case 'role':
      return { kind, name, label, tables: [] };
    case 'catalogItem':
      // Shelved in no category yet: the first save's error asks for one, by name.
      return {
        kind, name, title: label, shortDescription: `Order ${label.toLowerCase()}.`, categories: [],
        variables: { details: { type: 'text', label: 'What do you need?', required: true, maxLength: 2000 } },
        creates: { request: {} },
      };
    case 'catalogCategory':
      return { kind, name, title: label };
    default:
      return { kind, name, label };
  }
}
