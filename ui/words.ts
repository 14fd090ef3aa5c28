/**
 * Sizes and lists in words for people, shared by the attachment widget of record forms (ui/fields/) and the
 * catalogue's pages (ui/catalog/words.ts), so a limit reads the same wherever files are asked for.
 */

/** 2048 → "2 KB", 10485760 → "10 MB". */
export function bytesText(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

/** "a, b or c". */
export function joinOr(parts: string[]): string {
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}
