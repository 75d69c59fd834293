// The list command as it was before core/list.ts (commit e0c69fc), kept verbatim as the oracle
// that test/core/list.test.ts holds the new one to: every profile built through loadProfiles,
// validated with settingsOf, checked with profileFindings, its session asked of a Resolver.
import { kindOf, loadProfiles, type ProfileKind, type ProfileSet, settingsOf } from '../../src/files/profiles.js';
import { realDeps } from '../../src/core/deps.js';
import { formatDuration, profileFindings } from '../../src/core/checks.js';
import { Resolver } from '../../src/core/resolve.js';
import { AwsenvError } from '../../src/errors.js';
import { STATE } from '../../src/core/variables.js';
import { cacheDir, profileIndexCache } from '../../src/sessions/cache.js';
import { knownKeyCreated } from '../../src/sessions/iam-key-ages.js';
import { styleFor, table } from '../../src/util/table.js';
import { localeOrder } from '../../src/util/collate.js';
import { printable } from '../../src/util/printable.js';
import type { Context, Output } from '../../src/commands/context.js';

/** The documented `list --json` shape (README, "JSON output"). */
interface ListEntry {
  name: string;
  kind: ProfileKind | 'invalid';
  region: string | null;
  active: boolean;
  sessionExpiresAt: string | null;
  /** SSO profiles: when the token `aws sso login` cached ends (it is refreshed before then when it can be). */
  ssoTokenExpiresAt: string | null;
  files: { file: string; line: number }[];
  problem: string | null;
  /** When the profile's long-term key was created, as IAM said at the last doctor or rotate (no request made). */
  keyCreatedAt: string | null;
}

/** The end of the cached session that `use` would hand out now, without asking anyone. */
async function cachedExpiry(set: ProfileSet, name: string, kind: ListEntry['kind'], ctx: Context): Promise<string | null> {
  // An SSO profile offline is always "needs a request" (the Resolver keeps no SSO session):
  // not asked, since building that error 40,000 times was most of `list` at scale.
  if (kind !== 'mfa' && kind !== 'role' && kind !== 'web-identity') return null;
  try {
    const r = await new Resolver(set, realDeps(ctx.env, ctx.now, ctx.warn), { offline: true }).resolve(name);
    return r.from === 'cache' ? (r.credentials.expiration?.toISOString() ?? null) : null;
  } catch {
    return null;
  }
}

/**
 * The end of the SSO token the profile would use, read from the cache file only; each token
 * file once (`tokens`), as thousands of generated profiles share one session's token.
 */
async function ssoTokenExpiry(set: ProfileSet, name: string, ctx: Context, tokens: Map<string, string | null>): Promise<string | null> {
  try {
    const sso = await import('../../src/sessions/sso.js');
    const target = sso.ssoTarget(name, settingsOf(set.profiles.get(name)!), set, ctx.env);
    let expiry = tokens.get(target.tokenFile);
    if (expiry === undefined) {
      const at = sso.ssoTokenExpiry(target);
      expiry = at === undefined ? null : new Date(at).toISOString();
      tokens.set(target.tokenFile, expiry);
    }
    return expiry;
  } catch {
    return null;
  }
}

export async function oldListProfiles(ctx: Context): Promise<ListEntry[]> {
  const set = loadProfiles(ctx.env, profileIndexCache(ctx.env));
  const active = ctx.env.AWS_PROFILE || ctx.env[STATE.profile];
  const now = ctx.now();
  // localeCompare's order, without loading ICU when the names and locale allow (util/collate.ts).
  const order = localeOrder(ctx.env);
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
        ssoTokenExpiresAt: null,
        files: p.sections.map(({ file, line }) => ({ file, line })),
        problem,
        keyCreatedAt: null,
      };
    })
    .sort((a, b) => order(a.name, b.name));
  const tokens = new Map<string, string | null>();
  for (const e of entries) {
    e.sessionExpiresAt = await cachedExpiry(set, e.name, e.kind, ctx);
    if (e.kind === 'sso') e.ssoTokenExpiresAt = await ssoTokenExpiry(set, e.name, ctx, tokens);
    const key = set.profiles.get(e.name)?.settings.get('aws_access_key_id')?.value;
    if ((e.kind === 'keys' || e.kind === 'mfa') && typeof key === 'string' && key.startsWith('AKIA')) {
      e.keyCreatedAt = knownKeyCreated(cacheDir(ctx.env), key)?.toISOString() ?? null;
    }
  }
  return entries;
}

export async function oldList(args: { json?: boolean | undefined }, ctx: Context): Promise<Output> {
  const entries = await oldListProfiles(ctx);
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

function sessionLeft(expiresAt: string, now: Date): string {
  const seconds = Math.floor((Date.parse(expiresAt) - now.getTime()) / 1000);
  return seconds > 0 ? `${formatDuration(seconds)} left` : 'expired';
}

/** Whole days; past 90 (AWS's advice for long-term keys) it says to rotate. */
function keyAge(createdAt: string, now: Date): string {
  const days = Math.max(0, Math.floor((now.getTime() - Date.parse(createdAt)) / 86_400_000));
  return days > 90 ? `${days}d, rotate` : `${days}d`;
}
