// Fuzzy filtering for the profile picker: the typed letters must appear in order (as in
// fzf and granted's picker); names where they appear together, at the start or after a
// separator rank first. Pure, so it is tested as a table.

/** The score of `name` for `query` (higher is better), or undefined when it does not match. */
export function fuzzyScore(query: string, name: string): number | undefined {
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  if (q === '') return 0;
  let score = 0;
  let from = 0;
  let previous = -2;
  for (const ch of q) {
    const at = n.indexOf(ch, from);
    if (at < 0) return undefined;
    if (at === previous + 1) score += 5; // runs of typed letters
    if (at === 0) score += 10; // the start of the name
    else if (/[-_./:@ ]/.test(n[at - 1]!)) score += 4; // the start of a word
    score -= Math.min(at - from, 5); // letters skipped
    previous = at;
    from = at + 1;
  }
  if (n === q) score += 100;
  else if (n.startsWith(q)) score += 20;
  return score - n.length / 100; // the shorter of two equal names first
}

/** The names that match `query`, best first; ties keep their order. */
export function fuzzyFilter<T>(query: string, items: readonly T[], nameOf: (item: T) => string): T[] {
  return items
    .map((item, i) => ({ item, i, score: fuzzyScore(query, nameOf(item)) }))
    .filter((x): x is { item: T; i: number; score: number } => x.score !== undefined)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .map((x) => x.item);
}
