// What `awsenv list` shows of every profile: kind, region, the first problem of doctor's
// offline checks, the cached session, the SSO token and the key's age, without building
// every profile (issue 15: 50,000 generated profiles took 2.9 s and 370 MB that way).
//
// Each profile written the plain way (files/digest.ts) is judged from its sections' digests:
// the kind and region as kindOf gives them, the problems profileFindings can find in such a
// profile (a role without a source, a source_profile cycle), and its cached session looked
// up by its cache key among the files the cache directory holds (listed once), the Resolver
// asked only when the key is there. Every other profile (a key any check needs the value
// of, an empty or nested value, a name with two sections, a source that is not plain) goes
// the old way: loadProfiles' Profile, settingsOf, kindOf, profileFindings, the Resolver. A
// file the scan could not index is listed the old way whole. test/core/list.test.ts holds
// both ways to the same output on files of every shape.
import { readdirSync } from 'node:fs';
import { bit, type Digest, digestFile } from '../files/digest.js';
import type { Env, IniFile } from '../files/files.js';
import { configProfileName, kindOf, type ProfileKind, type ProfileSet, settingsOf } from '../files/profiles.js';
import { LINE, STRIDE } from '../files/scan.js';
import { AwsenvError } from '../errors.js';
import { cacheDir, SessionCache } from '../sessions/cache.js';
import { keyAgesReader } from '../sessions/iam-key-ages.js';
import { localeOrder } from '../util/collate.js';
import { profileFindings } from './checks.js';
import { realDeps } from './deps.js';
import { mfaSessionKey, Resolver, roleSessionKey } from './resolve.js';
import { STATE } from './variables.js';

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
  /** When the profile's long-term key was created, as IAM said at the last doctor or rotate (no request made). */
  keyCreatedAt: string | null;
}

/** What list needs besides the files: the environment, the clock, where notices go. */
export interface ListContext {
  env: Env;
  now(): Date;
  warn(message: string): void;
}

/**
 * The rows, a column per field (50,000 row objects cost more in the collector than the rest
 * of list): `order` holds the rows' positions in list's order.
 */
export class Listing {
  readonly names: string[] = [];
  readonly kinds: ListEntry['kind'][] = [];
  readonly regions: (string | null)[] = [];
  readonly problems: (string | null)[] = [];
  readonly sessions: (string | null)[] = [];
  readonly ssoTokens: (string | null)[] = [];
  readonly keysCreated: (string | null)[] = [];
  /** Per row, its sections' lines: config's (0: none), then the credentials file's. */
  readonly lines: number[] = [];
  order: number[] = [];

  constructor(
    readonly paths: ProfileSet['paths'],
    readonly active: string | undefined,
  ) {}

  get count(): number {
    return this.names.length;
  }

  /** A row from its entry and its sections' lines (0: none). */
  add(e: ListEntry, configLine: number, credentialsLine: number): void {
    this.push(e.name, e.kind, e.region, e.problem, e.sessionExpiresAt, e.ssoTokenExpiresAt, e.keyCreatedAt, configLine, credentialsLine);
  }

  push(name: string, kind: ListEntry['kind'], region: string | null, problem: string | null, session: string | null, ssoToken: string | null, keyCreated: string | null, configLine: number, credentialsLine: number): void {
    this.names.push(name);
    this.kinds.push(kind);
    this.regions.push(region);
    this.problems.push(problem);
    this.sessions.push(session);
    this.ssoTokens.push(ssoToken);
    this.keysCreated.push(keyCreated);
    this.lines.push(configLine, credentialsLine);
  }

  /** Row p as the documented `list --json` entry. */
  entry(p: number): ListEntry {
    const files: ListEntry['files'] = [];
    const c = this.lines[2 * p]!;
    const k = this.lines[2 * p + 1]!;
    if (c > 0) files.push({ file: this.paths.config, line: c });
    if (k > 0) files.push({ file: this.paths.credentials, line: k });
    return {
      name: this.names[p]!,
      kind: this.kinds[p]!,
      region: this.regions[p]!,
      active: this.names[p] === this.active,
      sessionExpiresAt: this.sessions[p]!,
      ssoTokenExpiresAt: this.ssoTokens[p]!,
      files,
      problem: this.problems[p]!,
      keyCreatedAt: this.keysCreated[p]!,
    };
  }

  /** Every row as an entry, in list's order. */
  entries(): ListEntry[] {
    return this.order.map((p) => this.entry(p));
  }
}

/** Session keys of the cache directory (its *.json files), or undefined when it cannot be listed. */
function cachedKeys(env: Env): Set<string> | undefined {
  try {
    return new Set(readdirSync(cacheDir(env)).flatMap((f) => (f.endsWith('.json') ? [f.slice(0, -'.json'.length)] : [])));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No directory: no session. Anything else: each key is looked for the old way.
    return code === 'ENOENT' || code === 'ENOTDIR' ? new Set() : undefined;
  }
}

/** A session cache that reads only keys the directory was seen to hold (others: no session, no file opened). */
class KnownKeysCache extends SessionCache {
  constructor(
    dir: string,
    private readonly keys: Set<string> | undefined,
    notice: (message: string) => void,
  ) {
    super(dir, notice);
  }

  override read(key: string, now: Date) {
    return this.keys && !this.keys.has(key) ? undefined : super.read(key, now);
  }
}

/** Every profile's row, in list's order (localeCompare's, util/collate.ts). */
export async function listEntries(set: ProfileSet, ctx: ListContext): Promise<ListEntry[]> {
  return (await listing(set, ctx)).entries();
}

/** The profiles' rows. */
export async function listing(set: ProfileSet, ctx: ListContext): Promise<Listing> {
  const now = ctx.now();
  const active = ctx.env.AWS_PROFILE || ctx.env[STATE.profile];
  const keys = cachedKeys(ctx.env);
  const deps = { ...realDeps(ctx.env, ctx.now, ctx.warn), cache: new KnownKeysCache(cacheDir(ctx.env), keys, ctx.warn) };
  const keyCreated = keyAgesReader(cacheDir(ctx.env));
  const keyCreatedAt = (kind: ListEntry['kind'], key: string | undefined): string | null =>
    (kind === 'keys' || kind === 'mfa') && key?.startsWith('AKIA') ? (keyCreated(key)?.toISOString() ?? null) : null;

  /** The end of the cached session that `use` would hand out now, without asking anyone. */
  const cachedExpiry = async (name: string): Promise<string | null> => {
    if (keys?.size === 0) return null;
    try {
      const r = await new Resolver(set, deps, { offline: true }).resolve(name);
      return r.from === 'cache' ? (r.credentials.expiration?.toISOString() ?? null) : null;
    } catch {
      return null;
    }
  };

  // SSO token ends: each token file read once, as thousands of generated profiles share one.
  let sso: typeof import('../sessions/sso.js') | null | undefined;
  const tokens = new Map<string, string | null>();
  const ssoTokenExpiry = async (name: string): Promise<string | null> => {
    try {
      sso ??= await import('../sessions/sso.js');
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
  };

  /** A profile the old way: built, validated and checked whole. */
  const slow = async (name: string): Promise<[ListEntry, number, number]> => {
    const p = set.profiles.get(name)!;
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
    problem ??= profileFindings(set, name, now).find((f) => f.severity === 'problem')?.message ?? null;
    const key = p.settings.get('aws_access_key_id')?.value;
    const lineIn = (origin: 'config' | 'credentials') => p.sections.find((x) => x.origin === origin)?.line ?? 0;
    const entry: ListEntry = {
      name,
      kind,
      region,
      active: name === active,
      sessionExpiresAt: kind === 'mfa' || kind === 'role' || kind === 'web-identity' ? await cachedExpiry(name) : null,
      ssoTokenExpiresAt: kind === 'sso' ? await ssoTokenExpiry(name) : null,
      files: p.sections.map(({ file, line }) => ({ file, line })),
      problem,
      keyCreatedAt: keyCreatedAt(kind, typeof key === 'string' ? key : undefined),
    };
    return [entry, lineIn('config'), lineIn('credentials')];
  };

  const config = set.files?.config;
  const credentials = set.files?.credentials;
  const dc = config && digestFile(config);
  const dk = credentials && digestFile(credentials);
  const rows = new Listing(set.paths, active);
  if (!config || !credentials || !dc || !dk) {
    for (const name of set.profiles.keys()) rows.add(...(await slow(name)));
  } else {
    await fastRows(rows, config, credentials, dc, dk, { now, active, keys, slow, cachedExpiry, ssoTokenExpiry, keyCreatedAt });
  }
  // localeCompare's order, without loading ICU when the names and locale allow (util/collate.ts).
  const order = localeOrder(ctx.env);
  const { names } = rows;
  rows.order = Array.from(names.keys()).sort((a, b) => order(names[a]!, names[b]!));
  return rows;
}

interface Helpers {
  now: Date;
  active: string | undefined;
  keys: Set<string> | undefined;
  slow(name: string): Promise<[ListEntry, number, number]>;
  cachedExpiry(name: string): Promise<string | null>;
  ssoTokenExpiry(name: string): Promise<string | null>;
  keyCreatedAt(kind: ListEntry['kind'], key: string | undefined): string | null;
}

const B = {
  region: bit('region'),
  roleArn: bit('role_arn'),
  sourceProfile: bit('source_profile'),
  webIdentity: bit('web_identity_token_file'),
  ssoAccount: bit('sso_account_id'),
  ssoRole: bit('sso_role_name'),
  keyId: bit('aws_access_key_id'),
  secret: bit('aws_secret_access_key'),
  mfa: bit('mfa_serial'),
  process: bit('credential_process'),
};
const STATIC = B.keyId | B.secret;

/** Profiles from both files' digests; the odd ones through `slow`. */
async function fastRows(rows: Listing, config: IniFile, credentials: IniFile, dc: Digest, dk: Digest, h: Helpers): Promise<void> {
  // The profiles in loadProfiles' order (config's as each first appears, then the credentials
  // file's others), each with its config section (c) and credentials section (k). A name
  // with more than one config section ([default] and [profile default], [profile a] and
  // [profile "a"]: the last one wins) is left to the old way, which knows that rule.
  const headers = config.names();
  const irregular = new Map(config.irregular().map(([section, i]) => [i, section]));
  const twice = new Set<string>(['default']);
  for (const section of irregular.values()) {
    const name = configProfileName(section);
    if (name !== undefined) twice.add(name);
  }
  const names: string[] = [];
  const c: number[] = [];
  const k: number[] = [];
  const odd: boolean[] = [];
  const seen = new Map<string, number>();
  headers.forEach((section, i) => {
    const odd = irregular.get(i);
    const name = odd === undefined && section.startsWith('profile ') ? section.slice('profile '.length) : configProfileName(section);
    if (name === undefined || name === '') return;
    if (twice.has(name)) {
      if (seen.has(name)) return;
      seen.set(name, names.length);
    }
    names.push(name);
    c.push(i);
    k.push(-1);
  });
  const fromConfig = names.length;
  const byName = new Map<string, number>();
  credentials.names().forEach((name, i) => byName.set(name, i));
  if (byName.size > 0) {
    for (let p = 0; p < fromConfig; p++) {
      const i = byName.get(names[p]!);
      if (i !== undefined) {
        k[p] = i;
        byName.delete(names[p]!);
      }
    }
    for (const [name, i] of byName) {
      names.push(name);
      c.push(-1);
      k.push(i);
    }
  }
  const count = names.length;
  for (let p = 0; p < count; p++) odd.push(twice.has(names[p]!) || (c[p]! >= 0 && dc.present[c[p]!]! < 0) || (k[p]! >= 0 && dk.present[k[p]!]! < 0));

  // Per profile, as settingsOf merges it: every key from the credentials file over config's,
  // except the static keys, which come whole from one file (profiles.ts, mergeProfile).
  const presentC = (p: number) => (c[p]! >= 0 ? dc.present[c[p]!]! : 0);
  const presentK = (p: number) => (k[p]! >= 0 ? dk.present[k[p]!]! : 0);
  const valueOf = (d: Digest, i: number, field: Parameters<typeof bit>[0]): string | undefined => {
    const n = i >= 0 ? d.values.get(field)![i]! : 0;
    return n === 0 ? undefined : d.strings[n - 1];
  };
  /** Which file the static keys come from: 1 credentials, 0 config, -1 neither. */
  const staticFrom = (p: number): number => {
    const pk = presentK(p);
    const pc = presentC(p);
    return pk & B.keyId ? 1 : pc & B.keyId ? 0 : pk & STATIC ? 1 : pc & STATIC ? 0 : -1;
  };
  const has = (p: number): number => {
    const from = staticFrom(p);
    const own = (presentC(p) | presentK(p)) & ~STATIC;
    return own | (from === 1 ? presentK(p) & STATIC : from === 0 ? presentC(p) & STATIC : 0);
  };
  const value = (p: number, field: Parameters<typeof bit>[0]): string | undefined => {
    if (field === 'aws_access_key_id' || field === 'aws_secret_access_key') {
      const from = staticFrom(p);
      return from === 1 ? valueOf(dk, k[p]!, field) : from === 0 ? valueOf(dc, c[p]!, field) : undefined;
    }
    return valueOf(dk, k[p]!, field) ?? valueOf(dc, c[p]!, field);
  };
  // A key id without its secret (or the reverse) is settingsOf's error: the old way says it.
  for (let p = 0; p < count; p++) {
    if (odd[p]) continue;
    const s = has(p) & STATIC;
    if (s !== 0 && s !== STATIC) odd[p] = true;
  }
  const kindOfFast = (p: number, asSource = false): ProfileKind => {
    const s = has(p);
    const keysInCredentials = (presentK(p) & B.keyId) !== 0;
    if (s & B.roleArn && !(s & B.webIdentity) && !(asSource && s & STATIC)) return 'role';
    if (s & B.webIdentity) return 'web-identity';
    if (s & (B.ssoAccount | B.ssoRole)) return 'sso';
    const keys = (): ProfileKind => (s & B.mfa && !asSource ? 'mfa' : 'keys');
    if (s & B.keyId && keysInCredentials) return keys();
    if (s & B.process) return 'process';
    if (s & B.keyId) return keys();
    return 'none';
  };
  const kinds: ProfileKind[] = [];
  for (let p = 0; p < count; p++) kinds.push(odd[p] ? 'none' : kindOfFast(p));

  // source_profile names, found by name only for the names some role gives.
  const wanted = new Set<string>();
  for (let p = 0; p < count; p++) if (!odd[p] && kinds[p] === 'role' && has(p) & B.sourceProfile) wanted.add(value(p, 'source_profile')!);
  const position = new Map<string, number>();
  if (wanted.size > 0) for (let p = 0; p < count; p++) if (wanted.has(names[p]!)) position.set(names[p]!, p);

  // profileFindings on a plain profile: along source_profile, a cycle, a role without a
  // source, or a profile it cannot judge (missing, or not plain: `undefined`, the old way).
  const firstProblem = (p: number): string | null | undefined => {
    const seen: string[] = [];
    let current: number | undefined = p;
    while (current !== undefined) {
      const name: string = names[current]!;
      if (seen.includes(name)) return `source_profile forms a cycle: ${[...seen, name].join(' → ')}`;
      seen.push(name);
      if (odd[current]) return undefined;
      const via = current === p ? '' : `source profile '${name}': `;
      const kind = kinds[current]!;
      const source = has(current) & B.sourceProfile ? value(current, 'source_profile') : undefined;
      if (kind === 'role' && source === undefined) return `${via}role_arn without source_profile or credential_source`;
      if (kind !== 'role' || source === undefined || source === name) return null;
      current = position.get(source);
      if (current === undefined) return undefined;
    }
    return null;
  };

  /**
   * Whether `use` could find a cached session without asking: false when the key it would
   * look up is not in the cache directory, true when it is (or when only the Resolver can tell).
   */
  const mayHaveSession = (p: number): boolean => {
    if (h.keys === undefined) return true;
    if (h.keys.size === 0) return false;
    const kind = kinds[p]!;
    if (kind === 'mfa') {
      return h.keys.has(mfaSessionKey({ accessKeyId: value(p, 'aws_access_key_id')!, secretAccessKey: value(p, 'aws_secret_access_key')! }, value(p, 'mfa_serial')!, undefined));
    }
    if (kind !== 'role') return true;
    // A role over a plain source with static keys (or its own keys): the key from those.
    const name = names[p]!;
    const sourceName = value(p, 'source_profile');
    if (sourceName === undefined) return false;
    const source = sourceName === name ? p : position.get(sourceName);
    if (source === undefined) return false;
    if (odd[source]) return true;
    if (source !== p && kindOfFast(source, true) !== 'keys') return true;
    if (source === p && !(has(p) & B.keyId)) return false;
    const keyId = value(source, 'aws_access_key_id')!;
    const serial = value(p, 'mfa_serial');
    if (serial !== undefined) return h.keys.has(mfaSessionKey({ accessKeyId: keyId, secretAccessKey: value(source, 'aws_secret_access_key')! }, serial, undefined));
    const s = { role_arn: value(p, 'role_arn'), external_id: value(p, 'external_id'), role_session_name: value(p, 'role_session_name') };
    return h.keys.has(roleSessionKey(keyId, s, undefined, undefined));
  };

  // SSO profiles that say the same about their portal share one answer (ssoTarget reads
  // only sso_session, sso_start_url, sso_region and whether the account and role are set).
  // (Maps by value, no string made per profile: the values are the digests' own strings.)
  type Answer = { expiry?: string | null };
  type ByValue<T> = Map<string | undefined, T>;
  const ssoByRef: ByValue<ByValue<ByValue<Answer[]>>> = new Map();
  const level = <T>(m: ByValue<T>, key: string | undefined, make: () => T): T => {
    let v = m.get(key);
    if (v === undefined) m.set(key, (v = make()));
    return v;
  };
  const ssoRefOf = (p: number): Answer => {
    const byUrl = level(ssoByRef, value(p, 'sso_session'), () => new Map());
    const byRegion = level(byUrl, value(p, 'sso_start_url'), () => new Map());
    const answers = level(byRegion, value(p, 'sso_region'), (): Answer[] => []);
    // One answer per account/role presence.
    const slot = ((has(p) & B.ssoAccount) !== 0 ? 1 : 0) + ((has(p) & B.ssoRole) !== 0 ? 2 : 0);
    return (answers[slot] ??= {});
  };

  for (let p = 0; p < count; p++) {
    const name = names[p]!;
    const problem = odd[p] ? undefined : firstProblem(p);
    if (problem === undefined) {
      rows.add(...(await h.slow(name)));
      continue;
    }
    const kind = kinds[p]!;
    let ssoTokenExpiresAt: string | null = null;
    if (kind === 'sso') {
      const answer = ssoRefOf(p);
      ssoTokenExpiresAt = answer.expiry === undefined ? (answer.expiry = await h.ssoTokenExpiry(name)) : answer.expiry;
    }
    rows.push(
      name,
      kind,
      has(p) & B.region ? value(p, 'region')! : null,
      problem,
      (kind === 'mfa' || kind === 'role' || kind === 'web-identity') && mayHaveSession(p) ? await h.cachedExpiry(name) : null,
      ssoTokenExpiresAt,
      h.keyCreatedAt(kind, value(p, 'aws_access_key_id')),
      c[p]! >= 0 ? lineOf(config, c[p]!) : 0,
      k[p]! >= 0 ? lineOf(credentials, k[p]!) : 0,
    );
  }
}

const lineOf = (file: IniFile, i: number): number => file.indexed!.index.rec[i * STRIDE + LINE]!;

