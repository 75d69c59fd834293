// "Did you mean": the names nearest to a mistyped one, by edit distance and prefix.

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * Up to `max` names within a third of the name's length (at least 2 edits), nearest first,
 * ignoring case. A name that only differs in case comes first; one the typed name abbreviates
 * ('prod' for 'production') counts as one edit. A name the typed one merely starts with is
 * not near for that ('prod' is far from 'production-admin'; 'production-admn' is near).
 */
export function closest(name: string, names: readonly string[], max = 3): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const lower = name.toLowerCase();
  return names
    .map((n) => {
      const nl = n.toLowerCase();
      const d = nl === lower ? 0 : nl.startsWith(lower) ? 1 : editDistance(lower, nl);
      return { n, d };
    })
    .filter(({ d }) => d <= limit)
    .sort((x, y) => x.d - y.d || x.n.localeCompare(y.n))
    .slice(0, max)
    .map(({ n }) => n);
}
