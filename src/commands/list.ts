// awsenv list: every profile of both files with its kind, region and whether it is active.
import { loadProfiles } from '../files/profiles.js';
import { formatDuration } from '../core/checks.js';
import { type ListEntry, listEntries, listing } from '../core/list.js';
import { profileIndexCache } from '../sessions/cache.js';
import { styleFor, tableOf } from '../util/table.js';
import { printable } from '../util/printable.js';
import type { Context, Output } from './context.js';

export type { ListEntry } from '../core/list.js';

/** Every profile's row, in list's order (core/list.ts). */
export async function listProfiles(ctx: Context): Promise<ListEntry[]> {
  return listEntries(loadProfiles(ctx.env, profileIndexCache(ctx.env)), ctx);
}

export async function list(args: { json?: boolean | undefined }, ctx: Context): Promise<Output> {
  const rows = await listing(loadProfiles(ctx.env, profileIndexCache(ctx.env)), ctx);
  if (args.json) return { stdout: `${JSON.stringify({ version: 1, profiles: rows.entries() }, null, 2)}\n` };
  if (rows.count === 0) {
    ctx.warn('no profiles found; create one with `aws configure --profile NAME`');
    return { stdout: '' };
  }
  const style = styleFor(ctx.stdoutIsTTY, ctx.env);
  const now = ctx.now();
  // The KEY AGE column only once some key's age is known (doctor or rotate asked IAM).
  const ages = rows.keysCreated.some((k) => k);
  // Names, regions and problems come from the files: control characters escaped.
  const columns: string[][] = [[], [], [], [], [], [], ...(ages ? [[]] : [])];
  const [active, names, kinds, regions, sessions, ...rest] = columns as [string[], string[], string[], string[], string[], ...string[][]];
  const keyAges = ages ? rest[0]! : undefined;
  const problems = rest.at(-1)!;
  const isActive: boolean[] = [];
  for (const p of rows.order) {
    const session = rows.sessions[p];
    const ssoToken = rows.ssoTokens[p];
    const keyCreated = rows.keysCreated[p];
    isActive.push(rows.names[p] === rows.active);
    active.push(rows.names[p] === rows.active ? '*' : '');
    names.push(printable(rows.names[p]!));
    kinds.push(rows.kinds[p]!);
    regions.push(printable(rows.regions[p] ?? '-'));
    sessions.push((session ? sessionLeft(session, now) : '-') + (ssoToken ? ` (SSO token ${sessionLeft(ssoToken, now)})` : ''));
    keyAges?.push(keyCreated ? keyAge(keyCreated, now) : '-');
    problems.push(printable(rows.problems[p] ?? ''));
  }
  const problemCol = ages ? 6 : 5;
  const paint = (cell: string, row: number, col: number) => {
    if (col === problemCol) return style.red(cell);
    if (ages && col === 5 && /rotate/.test(cell)) return style.yellow(cell);
    return isActive[row] ? style.green(style.bold(cell)) : cell;
  };
  return {
    stdout: tableOf(['', 'PROFILE', 'KIND', 'REGION', 'SESSION', ...(ages ? ['KEY AGE'] : []), 'PROBLEM'], columns, paint),
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
