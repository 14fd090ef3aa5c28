/**
 * The CSV downloads of a list: GET /api/tables/:t/export with the filter, sort and columns in force (a real download,
 * by Content-Disposition), once with the labels people read (`display=true`: choice and reference labels, Yes / No,
 * dates in words) and once with the stored values (codes, ids, ISO 8601 dates) for another system to read.
 */
import { html } from 'lit';
import { tablePath } from '../api/client.js';
import type { View } from './list-rows.js';

function exportUrl(table: string, view: View, columns: string[], labels: boolean): string {
  const params = new URLSearchParams();
  if (view.filter) params.set('filter', JSON.stringify(view.filter));
  if (view.sort) params.set('sort', view.sort);
  params.set('fields', columns.join(','));
  if (labels) params.set('display', 'true');
  return `/api${tablePath(table, undefined, 'export')}?${params}`;
}

/** The two download links; `what` names the list mid-sentence ("contacts"). */
export function exportLinks(table: string, what: string, view: View, columns: string[]) {
  const more = html`<span class="fw-visually-hidden"> of ${what}, with the filter, sort and columns shown</span>`;
  return html`<ul class="fw-list__export" aria-label="Download">
    <li><a class="fw-link" href=${exportUrl(table, view, columns, true)} download data-export="labels">Download CSV (labels)${more}</a></li>
    <li><a class="fw-link" href=${exportUrl(table, view, columns, false)} download data-export="values">Download CSV (stored values)${more}</a></li>
  </ul>`;
}
