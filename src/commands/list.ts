// awsenv list: every profile of both files with its kind, region and whether it is active.
import { kindOf, loadProfiles, type ProfileKind, type ProfileSet, settingsOf } from '../files/profiles.js';
import { realDeps } from '../core/deps.js';
import { formatDuration } from '../core/current.js';
import { Resolver } from '../core/resolve.js';
import { AwsenvError } from '../errors.js';
import { STATE } from '../core/variables.js';
import { styleFor, table } from '../util/table.js';
import { printable } from '../util/printable.js';
import type { Context, Output } from './context.js';

/** The documented `list --json` shape (README, "JSON output"). */
export interface ListEntry {
  name: string;
  kind: ProfileKind | 'invalid';
  region: string | null;
  active: boolean;
  sessionExpiresAt: string | null;
  /** SSO profiles: when the token `aws sso login` cached ends (it is refreshed before then when it can be). */
  ssoTokenExpiresAt: string | null;
  files: { file: string; line: number }[];
  problem: string | null;
}

/** The end of the cached session that `use` would hand out now, without asking anyone. */
async function cachedExpiry(set: ProfileSet, name: string, kind: ListEntry['kind'], ctx: Context): Promise<string | null> {
  if (kind !== 'mfa' && kind !== 'role' && kind !== 'web-identity' && kind !== 'sso') return null;
  try {
    const r = await new Resolver(set, realDeps(ctx.env, ctx.now, ctx.warn), { offline: true }).resolve(name);
    return r.from === 'cache' ? (r.credentials.expiration?.toISOString() ?? null) : null;
  } catch {
    return null;
  }
}

/** The end of the SSO token the profile would use, read from the cache file only. */
async function ssoTokenExpiry(set: ProfileSet, name: string, ctx: Context): Promise<string | null> {
  try {
    const sso = await import('../sessions/sso.js');
    const at = sso.ssoTokenExpiry(sso.ssoTarget(name, settingsOf(set.profiles.get(name)!), set, ctx.env));
    return at === undefined ? null : new Date(at).toISOString();
  } catch {
    return null;
  }
}

export async function listProfiles(ctx: Context): Promise<ListEntry[]> {
  const set = loadProfiles(ctx.env);
  const active = ctx.env.AWS_PROFILE || ctx.env[STATE.profile];
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
      return {
        name: p.name,
        kind,
        region,
        active: p.name === active,
        sessionExpiresAt: null,
        ssoTokenExpiresAt: null,
        files: p.sections.map(({ file, line }) => ({ file, line })),
        problem,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    e.sessionExpiresAt = await cachedExpiry(set, e.name, e.kind, ctx);
    if (e.kind === 'sso') e.ssoTokenExpiresAt = await ssoTokenExpiry(set, e.name, ctx);
  }
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
  // Names, regions and problems come from the files: control characters escaped.
  const rows = entries.map((e) => [
    e.active ? '*' : '',
    printable(e.name),
    e.kind,
    printable(e.region ?? '-'),
    (e.sessionExpiresAt ? sessionLeft(e.sessionExpiresAt, ctx.now()) : '-') +
      (e.ssoTokenExpiresAt ? ` (SSO token ${sessionLeft(e.ssoTokenExpiresAt, ctx.now())})` : ''),
    printable(e.problem ?? ''),
  ]);
  return {
    stdout: table(['', 'PROFILE', 'KIND', 'REGION', 'SESSION', 'PROBLEM'], rows, (cell, row, col) => {
      if (col === 5) return style.red(cell);
      return entries[row]!.active ? style.green(style.bold(cell)) : cell;
    }),
  };
}

function sessionLeft(expiresAt: string, now: Date): string {
  const seconds = Math.floor((Date.parse(expiresAt) - now.getTime()) / 1000);
  return seconds > 0 ? `${formatDuration(seconds)} left` : 'expired';
}
