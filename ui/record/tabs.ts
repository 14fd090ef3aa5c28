/**
 * Tabs after the WAI-ARIA tabs pattern (automatic activation): one tab stop (the selected tab), Left / Right move
 * to the previous / next tab and wrap, Home / End go to the first / last; every panel stays in the page, hidden
 * unless selected, so what it loads is kept when the person switches back.
 */
import { html, nothing, type TemplateResult } from 'lit';

/** One tab: its label and its panel's content. */
export interface Tab {
  /** Stable key, part of the tab's and panel's ids. */
  key: string;
  label: string;
  content: unknown;
  /** Said after the label, e.g. how many errors the panel shows. */
  note?: string | undefined;
}

/** How the tabs are drawn: ids' prefix, the accessible name of the list, the selected tab and how to select another. */
export interface TabsOptions {
  idPrefix: string;
  label: string;
  selected: string;
  select: (key: string) => void;
}

/** The tab list and its panels. */
export function renderTabs(tabs: Tab[], o: TabsOptions): TemplateResult {
  const selected = tabs.some((t) => t.key === o.selected) ? o.selected : tabs[0]?.key;
  const tabId = (t: Tab) => `${o.idPrefix}-tab-${t.key}`;
  const panelId = (t: Tab) => `${o.idPrefix}-panel-${t.key}`;
  const onKeydown = (e: KeyboardEvent) => {
    const at = tabs.findIndex((t) => t.key === selected);
    const to = ({ ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: tabs.length - 1 } as Record<string, number>)[e.key];
    if (to === undefined || at < 0) return;
    e.preventDefault();
    const next = tabs[(to + tabs.length) % tabs.length]!;
    o.select(next.key);
    const list = e.currentTarget as HTMLElement;
    // The selected tab becomes the tab stop on the next render; focus follows it there.
    void Promise.resolve().then(() => requestAnimationFrame(() => list.querySelector<HTMLElement>(`#${CSS.escape(tabId(next))}`)?.focus()));
  };
  return html`<div class="fw-tabs">
    <div class="fw-tabs__list" role="tablist" aria-label=${o.label} @keydown=${onKeydown}>
      ${tabs.map((t) => html`<button type="button" role="tab" class="fw-tabs__tab" id=${tabId(t)} aria-controls=${panelId(t)}
        aria-selected=${t.key === selected ? 'true' : 'false'} tabindex=${t.key === selected ? 0 : -1}
        @click=${() => o.select(t.key)}>${t.label}${t.note ? html` <span class="fw-tabs__note">(${t.note})</span>` : nothing}</button>`)}
    </div>
    ${tabs.map((t) => html`<div class="fw-tabs__panel" role="tabpanel" id=${panelId(t)} aria-labelledby=${tabId(t)} tabindex="0"
      data-tab=${t.key} ?hidden=${t.key !== selected}>${t.content}</div>`)}
  </div>`;
}
