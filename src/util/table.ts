// Plain-text tables for humans, coloured only on a terminal and never under NO_COLOR
// (https://no-color.org).
import { ChunkWriter } from './chunks.js';

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
}

export const PLAIN: Style = { bold: (s) => s, dim: (s) => s, green: (s) => s, red: (s) => s, yellow: (s) => s };
const sgr = (code: number) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
const ansi: Style = { bold: sgr(1), dim: sgr(2), green: sgr(32), red: sgr(31), yellow: sgr(33) };

export function styleFor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): Style {
  return isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb' ? ansi : PLAIN;
}

/** Columns padded to the widest cell; `paint` colours a cell after its width is measured. */
export function table(
  header: string[],
  rows: string[][],
  paint: (cell: string, row: number, col: number) => string = (c) => c,
): string {
  const widths = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: string[], row: number) =>
    cells
      .map((c, col) => {
        const padded = col === cells.length - 1 ? c : c + ' '.repeat(widths[col]! - [...c].length);
        return row < 0 ? padded : paint(padded, row, col);
      })
      .join('  ')
      .trimEnd();
  return [line(header, -1), ...rows.map((r, i) => line(r, i))].join('\n') + '\n';
}

const SURROGATE = /[\ud800-\udfff]/;
/** The width `table` gives a cell: its code points ([...s].length), without making an array of them. */
export const width = (s: string): number => (SURROGATE.test(s) ? [...s].length : s.length);

/**
 * `table`'s bytes with `paint` (list on a terminal; its unstyled table is commands/list.ts's plainTable), of `rows` rows whose cells `cell(row, col)` gives (asked twice: for the
 * widths, now, then for the lines, as the returned producer writes them): `list` of 50,000
 * profiles spent more in the rows' arrays, the spread of every cell and the lines kept for
 * the final join than in the rest of its table. A column in `shared` holds few distinct
 * strings (a kind, a region, '-'): its widths are measured once per string; the others' once
 * per cell. Each line goes into a chunk as it is made (util/chunks.ts), never the whole
 * table into one buffer.
 */
export function tableChunks(
  header: string[],
  rows: number,
  cell: (row: number, col: number) => string,
  shared: readonly boolean[],
  paint: (cell: string, row: number, col: number) => string,
): (emit: (bytes: Uint8Array) => void) => void {
  const last = header.length - 1;
  const widths = header.map(width);
  const memo = header.map(() => new Map<string, number>());
  const measured = header.map((_, col) => (shared[col] ? undefined : new Int32Array(rows)));
  const widthIn = (c: string, col: number, row: number): number => {
    const own = measured[col];
    if (own) return row < 0 ? width(c) : own[row]!;
    let w = memo[col]!.get(c);
    if (w === undefined) memo[col]!.set(c, (w = width(c)));
    return w;
  };
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < last; col++) {
      const c = cell(row, col);
      const own = measured[col];
      const x = own ? (own[row] = width(c)) : widthIn(c, col, row);
      if (x > widths[col]!) widths[col] = x;
    }
  }
  const spaces: string[] = [];
  const pad = (c: string, col: number, row: number) => {
    if (col === last) return c;
    const n = widths[col]! - widthIn(c, col, row);
    return c + (spaces[n] ??= ' '.repeat(n));
  };
  return (emit) => {
    const out = new ChunkWriter(emit);
    const put = (line: string) => {
      out.string(line);
      out.byte(0x0a);
    };
    put(header.map((h, col) => pad(h, col, -1)).join('  ').trimEnd());
    for (let row = 0; row < rows; row++) {
      let line = '';
      for (let col = 0; col <= last; col++) {
        const padded = pad(cell(row, col), col, row);
        line += col === 0 ? '' : '  ';
        line += paint(padded, row, col);
      }
      put(line.trimEnd());
    }
    out.end();
  };
}
