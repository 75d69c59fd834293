// A small seeded PRNG for the fuzz tests: mulberry32, so a seed printed on failure replays
// the very same values (FUZZ_SEED=… or `npm run fuzz -- --seed …`).
// https://gist.github.com/tommyettinger/46a874533244883189143505d203312c

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight: `[[weight, item], …]`. */
  weighted<T>(items: readonly (readonly [number, T])[]): T;
}

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    between: (lo, hi) => lo + int(hi - lo + 1),
    chance: (p) => next() < p,
    pick: (items) => items[int(items.length)]!,
    weighted(items) {
      const total = items.reduce((sum, [w]) => sum + w, 0);
      let r = next() * total;
      for (const [w, item] of items) if ((r -= w) < 0) return item;
      return items.at(-1)![1];
    },
  };
}

/** A seed of its own for each part (each shell), so `--shell fish` replays fish's values alone. */
export function subSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const byte of Buffer.from(label)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

/** FUZZ_SEED when set (decimal), else a fresh one, to be printed with every report. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.FUZZ_SEED;
  if (text !== undefined && text !== '') {
    if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) throw new Error(`FUZZ_SEED must be a whole number below 2^32, not ${JSON.stringify(text)}`);
    return Number(text);
  }
  return Math.floor(Math.random() * 0x100000000) >>> 0;
}
