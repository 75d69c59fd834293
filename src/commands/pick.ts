// `awsenv use` without a profile: a picker of the profiles `awsenv list` shows (kind,
// region, cached session time left, the active one marked), drawn on the terminal. A
// lazy bundle of its own (scripts/build.mjs), so `use PROFILE` never loads it.
import { UsageError } from '../errors.js';
import { openTerminal, pick } from '../util/picker.js';
import { table } from '../util/table.js';
import type { Context } from './context.js';
import { listProfiles, sessionLeft } from './list.js';

export const NAME_A_PROFILE = 'name a profile; `awsenv list` shows them';

/** The terminal to pick on, or the usage error for a `use` without a profile and without one. */
export function terminalForPicker(): number {
  const fd = openTerminal();
  if (fd === undefined) throw new UsageError(NAME_A_PROFILE);
  return fd;
}

/** The profile chosen on the terminal `fd`; undefined when the user cancelled (Esc). */
export async function pickProfile(ctx: Context, fd: number): Promise<string | undefined> {
  const entries = await listProfiles(ctx);
  if (entries.length === 0) throw new UsageError('no profiles found; create one with `aws configure --profile NAME`');
  const now = ctx.now();
  const rows = entries.map((e) => [
    e.active ? '*' : ' ',
    e.name,
    e.kind,
    e.region ?? '-',
    e.sessionExpiresAt ? sessionLeft(e.sessionExpiresAt, now) : '-',
    e.problem ?? '',
  ]);
  // One table for header and rows, so the columns line up whatever the filter shows.
  const [header, ...lines] = table(['', 'PROFILE', 'KIND', 'REGION', 'SESSION', 'PROBLEM'], rows).trimEnd().split('\n');
  const active = entries.find((e) => e.active)?.name;
  return pick(fd, {
    title: 'awsenv use: type to filter, ↑↓ to move, Enter to choose, Esc to cancel',
    header: header!,
    items: entries.map((e, i) => ({ name: e.name, row: lines[i]! })),
    initial: active,
  });
}
