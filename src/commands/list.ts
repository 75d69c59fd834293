// awsenv list: every profile of both files with its kind, region and whether it is active.
import { loadProfiles } from '../files/profiles.js';
import { formatDuration } from '../core/checks.js';
import { type ListEntry, listEntries } from '../core/list.js';
import { profileIndexCache } from '../sessions/cache.js';
import { styleFor, table } from '../util/table.js';
import { printable } from '../util/printable.js';
import type { Context, Output } from './context.js';

export type { ListEntry } from '../core/list.js';

/** Every profile's row, in list's order (core/list.ts). */
export async function listProfiles(ctx: Context): Promise<ListEntry[]> {
  return listEntries(loadProfiles(ctx.env, profileIndexCache(ctx.env)), ctx);
}

export async function list(args: { json?: boolean | undefined }, ctx: Context): Promise<Output> {
  const entries = await listProfiles(ctx);
  if (args.json) return { stdout: `${JSON.stringify({ version: 1, profiles: entries }, null, 2)}\n` };
  if (entries.length === 0) {
    ctx.warn('no profiles found; create one with `aws configure --profile NAME`');
    return { stdout: '' };
  }
  const style = styleFor(ctx.stdoutIsTTY, ctx.env);
  // The KEY AGE column only once some key's age is known (doctor or rotate asked IAM).
  const ages = entries.some((e) => e.keyCreatedAt);
  // Names, regions and problems come from the files: control characters escaped.
  const rows = entries.map((e) => [
    e.active ? '*' : '',
    printable(e.name),
    e.kind,
    printable(e.region ?? '-'),
    (e.sessionExpiresAt ? sessionLeft(e.sessionExpiresAt, ctx.now()) : '-') +
      (e.ssoTokenExpiresAt ? ` (SSO token ${sessionLeft(e.ssoTokenExpiresAt, ctx.now())})` : ''),
    ...(ages ? [e.keyCreatedAt ? keyAge(e.keyCreatedAt, ctx.now()) : '-'] : []),
    printable(e.problem ?? ''),
  ]);
  const problemCol = ages ? 6 : 5;
  return {
    stdout: table(['', 'PROFILE', 'KIND', 'REGION', 'SESSION', ...(ages ? ['KEY AGE'] : []), 'PROBLEM'], rows, (cell, row, col) => {
      if (col === problemCol) return style.red(cell);
      if (ages && col === 5 && /rotate/.test(cell)) return style.yellow(cell);
      return entries[row]!.active ? style.green(style.bold(cell)) : cell;
    }),
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
