/**
 * The catalogue's numbers in words for people: prices, recurring prices, delivery times, file sizes, row limits.
 */
import { formatCurrency } from '../format.js';
import type { Duration, Money, RecurringMoney } from '../api/catalog.js';

export { bytesText, joinOr } from '../words.js';

const PERIODS: Record<RecurringMoney['period'], string> = { week: 'a week', month: 'a month', quarter: 'a quarter', year: 'a year' };
const UNITS: Record<Duration['unit'], [string, string]> = { hours: ['hour', 'hours'], days: ['day', 'days'], weeks: ['week', 'weeks'] };

/** "£25.00", or "Free" for nothing to pay. */
export function priceText(price: Money): string {
  return price.amount === 0 ? 'Free' : formatCurrency(price.amount, price.currency ?? 'GBP');
}

/** "£5.00 a month". */
export function recurringText(price: RecurringMoney): string {
  return `${formatCurrency(price.amount, price.currency ?? 'GBP')} ${PERIODS[price.period] ?? `each ${price.period}`}`;
}

/** "Delivered within 3 days". */
export function deliveryText(d: Duration): string {
  const [one, many] = UNITS[d.unit] ?? [d.unit, d.unit];
  return `Delivered within ${d.amount} ${d.amount === 1 ? one : many}`;
}

/** What the item costs, in one phrase ("£25.00, then £5.00 a month"), or null when it shows no price. */
export function costText(price?: Money | null, recurring?: RecurringMoney | null): string | null {
  if (price && recurring) return `${priceText(price)}, then ${recurringText(recurring)}`;
  if (price) return priceText(price);
  if (recurring) return recurringText(recurring);
  return null;
}

/** "1 row" / "3 rows". */
export function rowsText(n: number): string {
  return `${n} ${n === 1 ? 'row' : 'rows'}`;
}

/** Friendly names of common file types ("PDF", "PNG image"); others show as given. */
const TYPE_NAMES: Record<string, string> = {
  'application/pdf': 'PDF', 'image/png': 'PNG image', 'image/jpeg': 'JPEG image', 'image/gif': 'GIF image', 'image/webp': 'WebP image',
  'image/*': 'an image', 'text/plain': 'plain text', 'text/csv': 'CSV', '.docx': 'Word document (.docx)',
  '.xlsx': 'Excel spreadsheet (.xlsx)', '.odt': 'OpenDocument text (.odt)',
};

/** A file type as people say it: "PNG image" for image/png. */
export function fileTypeText(type: string): string {
  return TYPE_NAMES[type.toLowerCase()] ?? type;
}
