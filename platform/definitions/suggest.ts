/**
 * "Did you mean": the names closest to a mistyped one, so an error lists the few candidates worth reading rather
 * than every role or field there is.
 */

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[t.length]!;
}

/** Up to `max` names closest to `value` (a shared prefix or containment counts as close), best first. */
export function closestNames(names: Iterable<string>, value: string, max = 5): string[] {
  const v = value.toLowerCase();
  const score = (n: string) => {
    const l = n.toLowerCase();
    const d = editDistance(l, v);
    return l.includes(v) || v.includes(l) ? Math.min(d, 1) : d;
  };
  return [...new Set(names)]
    .map((name) => ({ name, d: score(name) }))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((x) => x.name);
}

/**
 * The `expected` text of an unknown-name error: every name when there are few, else the closest ones to the value
 * given and how many more there are.
 */
export function expectedNames(names: Iterable<string>, value?: string, max = 5): string {
  const all = [...new Set(names)];
  if (!all.length) return 'a declared name (none is declared)';
  if (all.length <= max + 2 || value === undefined) return `one of: ${all.join(', ')}`;
  const near = closestNames(all, value, max);
  return `one of: ${near.join(', ')} (closest of ${all.length})`;
}
