// A one-choice picker drawn on the controlling terminal (/dev/tty): stdout is being eval'd
// and stdin may be a pipe, as for the MFA prompt. Type to filter (fuzzy), ↑/↓ (or Ctrl-P/N,
// Tab) to move, Enter to choose, Esc or Ctrl-C to cancel. The lines it drew are erased at
// the end, so the terminal shows what it showed before. Loaded only when used.
import { openSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { fuzzyFilter } from './fuzzy.js';

export interface PickerItem {
  /** What the filter matches and what is returned. */
  name: string;
  /** The row as shown, already padded into columns (without the cursor mark). */
  row: string;
}

export interface PickerOptions {
  title: string;
  header?: string;
  items: PickerItem[];
  /** The item the cursor starts on (the active profile). */
  initial?: string | undefined;
  /** Rows shown at once at most (fewer on a small terminal). */
  maxRows?: number;
}

/** Whether there is a terminal to pick on: /dev/tty opens (no terminal under CI or cron). */
export function openTerminal(): number | undefined {
  try {
    return openSync('/dev/tty', 'r+');
  } catch {
    return undefined;
  }
}

/** The keys the picker understands, from the bytes of one read. */
export type Key =
  | { type: 'up' | 'down' | 'pageUp' | 'pageDown' | 'enter' | 'cancel' | 'backspace' | 'clear' | 'deleteWord' }
  | { type: 'text'; text: string };

export function parseKeys(input: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < input.length) {
    const rest = input.slice(i);
    const seq = /^\x1b(?:\[[0-9;]*[A-Za-z~]|O[A-Za-z])/.exec(rest);
    if (seq) {
      const s = seq[0];
      if (s.endsWith('A')) keys.push({ type: 'up' });
      else if (s.endsWith('B')) keys.push({ type: 'down' });
      else if (s === '\x1b[5~') keys.push({ type: 'pageUp' });
      else if (s === '\x1b[6~') keys.push({ type: 'pageDown' });
      else if (s === '\x1b[Z') keys.push({ type: 'up' }); // Shift-Tab
      i += s.length;
      continue;
    }
    const ch = rest[0]!;
    i += 1;
    if (ch === '\x1b' || ch === '\x03' || ch === '\x07') keys.push({ type: 'cancel' }); // Esc, Ctrl-C, Ctrl-G
    else if (ch === '\r' || ch === '\n') keys.push({ type: 'enter' });
    else if (ch === '\x7f' || ch === '\b') keys.push({ type: 'backspace' });
    else if (ch === '\x10') keys.push({ type: 'up' }); // Ctrl-P
    else if (ch === '\x0e' || ch === '\t') keys.push({ type: 'down' }); // Ctrl-N, Tab
    else if (ch === '\x15') keys.push({ type: 'clear' }); // Ctrl-U
    else if (ch === '\x17') keys.push({ type: 'deleteWord' }); // Ctrl-W
    else if (ch >= ' ') {
      const last = keys.at(-1);
      if (last?.type === 'text') last.text += ch;
      else keys.push({ type: 'text', text: ch });
    }
  }
  return keys;
}

/** The picker's state, and what a key does to it: pure, tested without a terminal. */
export interface PickerState {
  query: string;
  /** Index into the filtered items. */
  cursor: number;
  /** The first filtered item shown. */
  top: number;
}

export function step(state: PickerState, key: Key, matches: number, rows: number): PickerState | 'enter' | 'cancel' {
  let { query, cursor, top } = state;
  switch (key.type) {
    case 'enter':
      return matches > 0 ? 'enter' : state;
    case 'cancel':
      return 'cancel';
    case 'up':
      cursor = matches ? (cursor - 1 + matches) % matches : 0;
      break;
    case 'down':
      cursor = matches ? (cursor + 1) % matches : 0;
      break;
    case 'pageUp':
      cursor = Math.max(0, cursor - rows);
      break;
    case 'pageDown':
      cursor = Math.max(0, Math.min(matches - 1, cursor + rows));
      break;
    case 'backspace':
      return { query: [...query].slice(0, -1).join(''), cursor: 0, top: 0 };
    case 'clear':
      return { query: '', cursor: 0, top: 0 };
    case 'deleteWord':
      return { query: query.replace(/[^\s\-_./]*[\s\-_./]*$/, ''), cursor: 0, top: 0 };
    case 'text':
      return { query: query + key.text, cursor: 0, top: 0 };
  }
  if (cursor < top) top = cursor;
  if (cursor >= top + rows) top = cursor - rows + 1;
  return { query, cursor, top };
}

const INVERSE = (s: string) => `\x1b[7m${s}\x1b[27m`;
const DIM = (s: string) => `\x1b[2m${s}\x1b[22m`;

/** The lines of one frame. */
export function frame(o: PickerOptions, state: PickerState, shown: PickerItem[], rows: number, columns: number): string[] {
  const cut = (s: string) => ([...s].length > columns - 1 ? [...s].slice(0, columns - 2).join('') + '…' : s);
  const lines = [DIM(cut(o.title)), `> ${state.query}`];
  if (o.header) lines.push(DIM(cut(`  ${o.header}`)));
  const visible = shown.slice(state.top, state.top + rows);
  visible.forEach((item, i) => {
    const text = cut(`${state.top + i === state.cursor ? '>' : ' '} ${item.row}`);
    lines.push(state.top + i === state.cursor ? INVERSE(text) : text);
  });
  if (shown.length === 0) lines.push(DIM('  (no profile matches)'));
  else lines.push(DIM(`  ${shown.length}/${o.items.length}`));
  return lines;
}

/** Runs the picker on the terminal `fd` (from openTerminal); the chosen name, or undefined on cancel. */
export async function pick(fd: number, o: PickerOptions): Promise<string | undefined> {
  const input = new ReadStream(fd);
  const out = (s: string) => writeSync(fd, s);
  // The terminal's size, from stderr when it is that terminal (a ReadStream does not know).
  const columns = () => (process.stderr.isTTY ? process.stderr.columns : 0) || Number(process.env.COLUMNS) || 80;
  const screenRows = () => (process.stderr.isTTY ? process.stderr.rows : 0) || Number(process.env.LINES) || 24;
  const rowsFor = () => Math.max(3, Math.min(o.maxRows ?? 10, screenRows() - 5));
  let state: PickerState = { query: '', cursor: 0, top: 0 };
  let shown = o.items;
  const start = o.initial ? o.items.findIndex((i) => i.name === o.initial) : -1;
  if (start > 0) state = step({ ...state, cursor: start - 1 }, { type: 'down' }, shown.length, rowsFor()) as PickerState;
  let drawn = 0; // lines below the first line of the picker

  const draw = () => {
    const lines = frame(o, state, shown, rowsFor(), columns());
    // Back to the picker's first line, erase to the end of the screen, draw, and leave the
    // cursor after the query.
    let text = (drawn ? `\x1b[${drawn}A` : '') + '\r\x1b[J' + lines.join('\r\n');
    const below = lines.length - 2;
    text += `\x1b[${below}A\r\x1b[${2 + [...state.query].length}C`;
    drawn = 1;
    out(text);
  };

  input.setRawMode(true);
  out('\x1b[?25h');
  try {
    draw();
    return await new Promise<string | undefined>((resolve) => {
      input.on('data', (chunk: Buffer) => {
        for (const key of parseKeys(chunk.toString('utf8'))) {
          const next = step(state, key, shown.length, rowsFor());
          if (next === 'enter') return resolve(shown[state.cursor]!.name);
          if (next === 'cancel') return resolve(undefined);
          const filter = next.query !== state.query;
          state = next as PickerState;
          if (filter) shown = fuzzyFilter(state.query, o.items, (i) => i.name);
        }
        draw();
      });
      input.on('end', () => resolve(undefined));
      input.on('error', () => resolve(undefined));
    });
  } finally {
    // Erase the picker: back to its first line, clear to the end of the screen.
    out(`${drawn ? `\x1b[${drawn}A` : ''}\r\x1b[J`);
    input.setRawMode(false);
    input.pause();
    input.destroy(); // closes fd
  }
}
