// awsenv list: every profile of both files with its kind, region and whether it is active.
import type { IndexCache } from '../files/index-cache.js';
import { loadProfiles } from '../files/profiles.js';
import { formatDuration } from '../core/checks.js';
import { type ListEntry, listEntries, type Listing, listing } from '../core/list.js';
import { profileIndexCache } from '../sessions/cache.js';
import { ChunkWriter } from '../util/chunks.js';
import { PLAIN, styleFor, tableChunks, width } from '../util/table.js';
import { needsEscape, printable } from '../util/printable.js';
import type { Context, Output } from './context.js';

export type { ListEntry } from '../core/list.js';

/** Every profile's row, in list's order (core/list.ts). */
export async function listProfiles(ctx: Context): Promise<ListEntry[]> {
  const cache = profileIndexCache(ctx.env);
  return listEntries(loadProfiles(ctx.env, cache), ctx, cache);
}

export async function list(args: { json?: boolean | undefined }, ctx: Context, cache: IndexCache = profileIndexCache(ctx.env)): Promise<Output> {
  const rows = await listing(loadProfiles(ctx.env, cache), ctx, cache);
  if (args.json) return { stdout: `${JSON.stringify({ version: 1, profiles: rows.entries() }, null, 2)}\n` };
  if (rows.count === 0) {
    ctx.warn('no profiles found; create one with `aws configure --profile NAME`');
    return { stdout: '' };
  }
  const style = styleFor(ctx.stdoutIsTTY, ctx.env);
  const now = ctx.now();
  // The KEY AGE column only once some key's age is known (doctor or rotate asked IAM).
  let ages = false;
  for (let p = 0; p < rows.count && !ages; p++) ages = rows.keyCreated(p) !== null;
  const { order } = rows;
  // Names, regions and problems come from the files: control characters escaped (names
  // tested all at once, regions once each).
  let plainNames = rows.recipe.names.ascii !== undefined;
  if (!plainNames) {
    plainNames = true;
    for (let p = 0; p < rows.count && plainNames; p++) plainNames = !needsEscape(rows.name(p));
  }
  const regions = new Map<string | null, string>();
  const cell = (row: number, col: number): string => {
    const p = order[row]!;
    switch (col) {
      case 0:
        return rows.isActive(p) ? '*' : '';
      case 1:
        return plainNames ? rows.name(p) : printable(rows.name(p));
      case 2:
        return rows.kind(p);
      case 3: {
        const region = rows.region(p);
        let shown = regions.get(region);
        if (shown === undefined) regions.set(region, (shown = printable(region ?? '-')));
        return shown;
      }
      case 4: {
        const session = rows.session(p);
        const ssoToken = rows.ssoToken(p);
        if (!session && !ssoToken) return '-';
        return (session ? sessionLeft(session, now) : '-') + (ssoToken ? ` (SSO token ${sessionLeft(ssoToken, now)})` : '');
      }
      default: {
        if (ages && col === 5) {
          const created = rows.keyCreated(p);
          return created ? keyAge(created, now) : '-';
        }
        const problem = rows.problem(p);
        return problem ? printable(problem) : '';
      }
    }
  };
  const problemCol = ages ? 6 : 5;
  const paint = (text: string, row: number, col: number) => {
    if (col === problemCol) return style.red(text);
    if (ages && col === 5 && /rotate/.test(text)) return style.yellow(text);
    return rows.isActive(order[row]!) ? style.green(style.bold(text)) : text;
  };
  const header = ['', 'PROFILE', 'KIND', 'REGION', 'SESSION', ...(ages ? ['KEY AGE'] : []), 'PROBLEM'];
  // The rows are judged now; the lines are made a chunk at a time as stdout is written.
  if (style === PLAIN) return { stdout: '', produce: plainTable(rows, header, cell) };
  return { stdout: '', produce: tableChunks(header, order.length, cell, [true, false, true, true, true, true, true], paint) };
}

/**
 * The unstyled table, byte for byte `table`'s: the rows of 50,000 generated profiles share a
 * handful of (kind, region, session, key age) cells, so each such run of cells is padded
 * once and a row is its marker, its name, that run and its problem.
 */
function plainTable(rows: Listing, header: string[], cell: (row: number, col: number) => string): (emit: (bytes: Uint8Array) => void) => void {
  const { order, recipe } = rows;
  const n = order.length;
  // Printable ASCII names (a kept recipe's, the common case) are copied from its bytes, and
  // each line written in pieces: no string made per row (issue 15, peak memory).
  const ascii = recipe.names.ascii;
  const last = header.length - 1;
  // Columns 2 … last-1, by row: a fast row with nothing found at this run by its kind and
  // region numbers, any other by its cells' text.
  const run = new Int32Array(n);
  const runs: string[][] = [];
  const byNumber = new Map<number, number>();
  const byText = new Map<string, number>();
  // Names' widths, kept between the passes unless they are the names' lengths.
  const nameWidth = ascii ? undefined : new Int32Array(n);
  let widest = width(header[1]!);
  let active = 0;
  for (let row = 0; row < n; row++) {
    const p = order[row]!;
    const w = ascii ? ascii.length(p) : (nameWidth![row] = width(cell(row, 1)));
    if (w > widest) widest = w;
    if (cell(row, 0) !== '') active = 1;
    const plain = rows.slowRow(p) === undefined && rows.found(p, 'sessions') === undefined && rows.ssoToken(p) === null && rows.found(p, 'keysCreated') === undefined;
    const key = plain ? (recipe.region[p]! + 1) * 16 + recipe.kind[p]! : -1;
    let id = plain ? byNumber.get(key) : undefined;
    if (id === undefined) {
      const cells: string[] = [];
      for (let col = 2; col < last; col++) cells.push(cell(row, col));
      const text = cells.join('\0');
      id = byText.get(text);
      if (id === undefined) {
        id = runs.length;
        runs.push(cells);
        byText.set(text, id);
      }
      if (plain) byNumber.set(key, id);
    }
    run[row] = id;
  }
  const widths = header.map(width);
  widths[0] = Math.max(widths[0]!, active);
  widths[1] = widest;
  for (const cells of runs) cells.forEach((c, i) => (widths[i + 2] = Math.max(widths[i + 2]!, width(c))));
  const spaces = (k: number) => ' '.repeat(Math.max(0, k));
  const markers = ['', '*'].map((m) => `${m}${spaces(widths[0]! - width(m))}  `);
  const pieces = runs.map((cells) => cells.map((c, i) => `${c}${spaces(widths[i + 2]! - width(c))}  `).join(''));
  // A row with no problem ends in its run, trimmed (when what is left of it is not blank:
  // then the line's trimEnd is the run's).
  const ends = pieces.map((piece) => piece.trimEnd());
  const head = header.map((h, col) => (col === last ? h : `${h}${spaces(widths[col]! - width(h))}`)).join('  ').trimEnd();
  return (emit) => {
    const out = new ChunkWriter(emit);
    const put = (line: string) => {
      out.string(line);
      out.byte(0x0a);
    };
    put(head);
    const gaps: string[] = [];
    for (let row = 0; row < n; row++) {
      const end = cell(row, last);
      const gap = widest - (ascii ? ascii.length(order[row]!) : nameWidth![row]!);
      const marker = markers[cell(row, 0) === '' ? 0 : 1]!;
      const tail = end.length > 0 ? end.charCodeAt(end.length - 1) : 0;
      if (ascii && (end === '' ? ends[run[row]!] !== '' : tail > 0x20 && tail < 0x7f)) {
        // The line as below, untrimmed, written a piece at a time.
        out.string(marker);
        ascii.writeTo(order[row]!, out);
        out.string((gaps[gap] ??= `${spaces(gap)}  `));
        if (end === '') {
          out.string(ends[run[row]!]!);
        } else {
          out.string(pieces[run[row]!]!);
          out.string(end);
        }
        out.byte(0x0a);
        continue;
      }
      const name = cell(row, 1);
      const start = marker + name + (gaps[gap] ??= `${spaces(gap)}  `);
      if (end === '' && ends[run[row]!] !== '') {
        put(start + ends[run[row]!]!);
        continue;
      }
      const line = start + pieces[run[row]!]! + end;
      // trimEnd only where the line may end in white space (an empty or odd last cell).
      put(tail > 0x20 && tail < 0x7f ? line : line.trimEnd());
    }
    out.end();
  };
}

export function sessionLeft(expiresAt: string, now: Date): string {
  const seconds = Math.floor((Date.parse(expiresAt) - now.getTime()) / 1000);
  return seconds > 0 ? `${formatDuration(seconds)} left` : 'expired';
}

/** Whole days; past 90 (AWS's advice for long-term keys) it says to rotate. */
function keyAge(createdAt: string, now: Date): string {
  const days = Math.max(0, Math.floor((now.getTime() - Date.parse(createdAt)) / 86_400_000));
  return days > 90 ? `${days}d, rotate` : `${days}d`;
}
