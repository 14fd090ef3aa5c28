/**
 * How a list shows its total (`meta.total` with `meta.totalKind`, see platform/http/api-types.ts): "143" when
 * counted, "about 200,000" for the database's estimate, "more than 10,000" when counting stopped at the cap.
 */
import type { ListMeta } from '../api/types.js';

const NUMBER = new Intl.NumberFormat('en-GB');

/** Two significant figures: an estimate is no more precise than that, and 198,734 reads better as 200,000. */
function roughly(n: number): number {
  if (n < 100) return Math.round(n);
  const step = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.round(n / step) * step;
}

/** The total in words ("143", "about 200,000", "more than 10,000"), or null when the list has none. */
export function totalText(total: ListMeta['total'], kind: ListMeta['totalKind']): string | null {
  if (total === null) return null;
  if (kind === 'estimate') return `about ${NUMBER.format(roughly(total))}`;
  // `atLeast` reports the matches counted (the cap plus one): more than the cap match.
  if (kind === 'atLeast') return `more than ${NUMBER.format(total - 1)}`;
  return NUMBER.format(total);
}

/** Whether the next page may hold records: an exact total says so; otherwise only a full page hints at more. */
export function hasMoreRecords(total: ListMeta['total'], kind: ListMeta['totalKind'], offset: number, limit: number, shown: number): boolean {
  if (total !== null && (kind === 'exact' || kind === null)) return offset + limit < total;
  return shown === limit;
}
