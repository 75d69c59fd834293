// awsenv list: every profile of both files with its kind, region and whether it is active.
import type { IndexCache } from '../files/index-cache.js';
import { loadProfiles } from '../files/profiles.js';
import { formatDuration } from '../core/checks.js';
import { type ListEntry, listEntries, listing } from '../core/list.js';
import { profileIndexCache } from '../sessions/cache.js';
import { PLAIN, styleFor, tableBytes } from '../util/table.js';
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
  const plainNames = !needsEscape(rows.recipe.names.join(' '));
  const regions = new Map<string | null, string>();
  const cell = (row: number, col: number): string => {
    const p = order[row]!;
    switch (col) {
      case 0:
        return rows.name(p) === rows.active ? '*' : '';
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
    return rows.name(order[row]!) === rows.active ? style.green(style.bold(text)) : text;
  };
  const header = ['', 'PROFILE', 'KIND', 'REGION', 'SESSION', ...(ages ? ['KEY AGE'] : []), 'PROBLEM'];
  return { stdout: '', bytes: tableBytes(header, order.length, cell, [true, false, true, true, true, true, true], style === PLAIN ? undefined : paint) };
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
