// awsenv list: every profile of both files with its kind, region and whether it is active.
import { loadProfiles } from '../files/profiles.js';
import { formatDuration } from '../core/checks.js';
import { type ListEntry, listEntries, listing } from '../core/list.js';
import { profileIndexCache } from '../sessions/cache.js';
import { PLAIN, styleFor, tableOf } from '../util/table.js';
import { printable } from '../util/printable.js';
import type { Context, Output } from './context.js';

export type { ListEntry } from '../core/list.js';

/** Every profile's row, in list's order (core/list.ts). */
export async function listProfiles(ctx: Context): Promise<ListEntry[]> {
  const cache = profileIndexCache(ctx.env);
  return listEntries(loadProfiles(ctx.env, cache), ctx, cache);
}

export async function list(args: { json?: boolean | undefined }, ctx: Context): Promise<Output> {
  const cache = profileIndexCache(ctx.env);
  const rows = await listing(loadProfiles(ctx.env, cache), ctx, cache);
  if (args.json) return { stdout: `${JSON.stringify({ version: 1, profiles: rows.entries() }, null, 2)}\n` };
  if (rows.count === 0) {
    ctx.warn('no profiles found; create one with `aws configure --profile NAME`');
    return { stdout: '' };
  }
  const style = styleFor(ctx.stdoutIsTTY, ctx.env);
  const now = ctx.now();
  // The KEY AGE column only once some key's age is known (doctor or rotate asked IAM).
  const ages = Array.from(rows.order).some((p) => rows.keyCreated(p));
  // Names, regions and problems come from the files: control characters escaped.
  const columns: string[][] = [[], [], [], [], [], [], ...(ages ? [[]] : [])];
  const [active, names, kinds, regions, sessions, ...rest] = columns as [string[], string[], string[], string[], string[], ...string[][]];
  const keyAges = ages ? rest[0]! : undefined;
  const problems = rest.at(-1)!;
  const isActive: boolean[] = [];
  for (let i = 0; i < rows.order.length; i++) {
    const p = rows.order[i]!;
    const name = rows.name(p);
    const session = rows.session(p);
    const ssoToken = rows.ssoToken(p);
    const keyCreated = rows.keyCreated(p);
    isActive.push(name === rows.active);
    active.push(name === rows.active ? '*' : '');
    names.push(printable(name));
    kinds.push(rows.kind(p));
    regions.push(printable(rows.region(p) ?? '-'));
    sessions.push((session ? sessionLeft(session, now) : '-') + (ssoToken ? ` (SSO token ${sessionLeft(ssoToken, now)})` : ''));
    keyAges?.push(keyCreated ? keyAge(keyCreated, now) : '-');
    problems.push(printable(rows.problem(p) ?? ''));
  }
  const problemCol = ages ? 6 : 5;
  const paint = (cell: string, row: number, col: number) => {
    if (col === problemCol) return style.red(cell);
    if (ages && col === 5 && /rotate/.test(cell)) return style.yellow(cell);
    return isActive[row] ? style.green(style.bold(cell)) : cell;
  };
  return {
    stdout: tableOf(['', 'PROFILE', 'KIND', 'REGION', 'SESSION', ...(ages ? ['KEY AGE'] : []), 'PROBLEM'], columns, style === PLAIN ? undefined : paint),
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
