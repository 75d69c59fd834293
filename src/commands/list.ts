// awsenv list: every profile of both files with its kind, region and whether it is active.
import { kindOf, loadProfiles, type ProfileKind, type ProfileSet, settingsOf } from '../files/profiles.js';
import { realDeps } from '../core/deps.js';
import { formatDuration, profileFindings } from '../core/checks.js';
import { Resolver } from '../core/resolve.js';
import { AwsenvError } from '../errors.js';
import { STATE } from '../core/variables.js';
import { styleFor, table } from '../util/table.js';
import type { Context, Output } from './context.js';

/** The documented `list --json` shape (README, "JSON output"). */
export interface ListEntry {
  name: string;
  kind: ProfileKind | 'invalid';
  region: string | null;
  active: boolean;
  sessionExpiresAt: string | null;
  files: { file: string; line: number }[];
  problem: string | null;
}

/** The end of the cached session that `use` would hand out now, without asking anyone. */
async function cachedExpiry(set: ProfileSet, name: string, kind: ListEntry['kind'], ctx: Context): Promise<string | null> {
  if (kind !== 'mfa' && kind !== 'role' && kind !== 'sso') return null;
  try {
    const r = await new Resolver(set, realDeps(ctx.env, ctx.now, ctx.warn), { offline: true }).resolve(name);
    return r.from === 'cache' ? (r.credentials.expiration?.toISOString() ?? null) : null;
  } catch {
    return null;
  }
}

export async function listProfiles(ctx: Context): Promise<ListEntry[]> {
  const set = loadProfiles(ctx.env);
  const active = ctx.env.AWS_PROFILE || ctx.env[STATE.profile];
  const now = ctx.now();
  const entries = [...set.profiles.values()]
    .map((p): ListEntry => {
      let kind: ListEntry['kind'] = 'invalid';
      let region: string | null = null;
      let problem: string | null = null;
      try {
        const s = settingsOf(p);
        kind = kindOf(s, p.keysInCredentials);
        region = s.region ?? null;
      } catch (error) {
        if (!(error instanceof AwsenvError)) throw error;
        problem = error.message;
      }
      // The checks `doctor PROFILE` runs offline on the files (checks.ts), the first one shown.
      problem ??= profileFindings(set, p.name, now).find((f) => f.severity === 'problem')?.message ?? null;
      return {
        name: p.name,
        kind,
        region,
        active: p.name === active,
        sessionExpiresAt: null,
        files: p.sections.map(({ file, line }) => ({ file, line })),
        problem,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) e.sessionExpiresAt = await cachedExpiry(set, e.name, e.kind, ctx);
  return entries;
}

export async function list(args: { json?: boolean | undefined }, ctx: Context): Promise<Output> {
  const entries = await listProfiles(ctx);
  if (args.json) return { stdout: `${JSON.stringify({ version: 1, profiles: entries }, null, 2)}\n` };
  if (entries.length === 0) {
    ctx.warn('no profiles found; create one with `aws configure --profile NAME`');
    return { stdout: '' };
  }
  const style = styleFor(ctx.stdoutIsTTY, ctx.env);
  const rows = entries.map((e) => [
    e.active ? '*' : '',
    e.name,
    e.kind,
    e.region ?? '-',
    e.sessionExpiresAt ? sessionLeft(e.sessionExpiresAt, ctx.now()) : '-',
    e.problem ?? '',
  ]);
  return {
    stdout: table(['', 'PROFILE', 'KIND', 'REGION', 'SESSION', 'PROBLEM'], rows, (cell, row, col) => {
      if (col === 5) return style.red(cell);
      return entries[row]!.active ? style.green(style.bold(cell)) : cell;
    }),
  };
}

export function sessionLeft(expiresAt: string, now: Date): string {
  const seconds = Math.floor((Date.parse(expiresAt) - now.getTime()) / 1000);
  return seconds > 0 ? `${formatDuration(seconds)} left` : 'expired';
}
