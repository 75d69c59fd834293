// Plain-text tables for humans, coloured only on a terminal and never under NO_COLOR
// (https://no-color.org).

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
const width = (s: string): number => (SURROGATE.test(s) ? [...s].length : s.length);

/**
 * `table` of columns rather than rows, byte for byte the same: `list` of 50,000 profiles
 * spent more in the rows' arrays and the spread of every cell than in the rest of its table.
 */
export function tableOf(header: string[], columns: string[][], paint?: (cell: string, row: number, col: number) => string): string {
  const last = header.length - 1;
  const widths = header.map((h, i) => {
    let w = width(h);
    for (const c of columns[i]!) {
      const x = width(c);
      if (x > w) w = x;
    }
    return w;
  });
  const pad = (c: string, col: number) => (col === last ? c : c + ' '.repeat(widths[col]! - width(c)));
  let out = `${header.map(pad).join('  ').trimEnd()}\n`;
  const rows = columns[0]?.length ?? 0;
  for (let row = 0; row < rows; row++) {
    let line = '';
    for (let col = 0; col <= last; col++) {
      const padded = pad(columns[col]![row]!, col);
      line += col === 0 ? '' : '  ';
      line += paint ? paint(padded, row, col) : padded;
    }
    out += `${line.trimEnd()}\n`;
  }
  return out;
}
