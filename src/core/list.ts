// What `awsenv list` shows of every profile: kind, region, the first problem of doctor's
// offline checks, the cached session, the SSO token and the key's age, without building
// every profile (issue 15: 50,000 generated profiles took 2.9 s and 370 MB that way).
//
// Each profile written the plain way (files/digest.ts) is judged from its sections' digests:
// the kind and region as kindOf gives them, the problems profileFindings can find in such a
// profile (a role without a source, a source_profile cycle), and the key its cached session
// would have, looked up among the files the cache directory holds (listed once), the
// Resolver asked only when the key is there. Every other profile (a key any check needs the
// value of, an empty or nested value, a name with two sections, a source that is not plain)
// goes the old way: loadProfiles' Profile, settingsOf, kindOf, profileFindings, the
// Resolver. A file the scan could not index is listed the old way whole.
//
// What comes from the files alone (a Recipe) is kept beside the files' kept indexes
// (list-cache.ts), for the very files it was made from; what depends on the clock, the
// cache directory or the environment is found at each run. test/core/list.test.ts holds
// the output to the old implementation's on files of every shape, fresh and kept.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bit, type Digest, digestFile, type Field } from '../files/digest.js';
import { type Env, homeOf, type IniFile } from '../files/files.js';
import type { IndexCache } from '../files/index-cache.js';
import { configProfileName, kindOf, PROFILE_KINDS, type ProfileKind, type ProfileSet, settingsOf } from '../files/profiles.js';
import { LINE, STRIDE } from '../files/scan.js';
import { AwsenvError } from '../errors.js';
import { cacheDir, SessionCache } from '../sessions/cache.js';
import { keyAgeDigest, keyAgesReader } from '../sessions/iam-key-ages.js';
import { asciiCollationIsRoot, isRootAscii, localeOrder } from '../util/collate.js';
import { profileFindings } from './checks.js';
import { realDeps } from './deps.js';
import { ASK, loadRecipe, namesOf, NO_SESSION, type Recipe, saveRecipe, SLOW } from './list-cache.js';
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

function emptyRecipe(names: string[]): Recipe {
  const n = names.length;
  const column = (fill: number) => new Int32Array(n).fill(fill);
  return {
    names: namesOf(names),
    kind: column(SLOW),
    region: column(-1),
    problem: column(-1),
    configLine: column(0),
    credentialsLine: column(0),
    session: column(NO_SESSION),
    sso: column(-1),
    keyId: column(-1),
    strings: [],
    order: undefined,
  };
}

/** The rows: a recipe's columns, and what this run found for its profiles (`order`: list's order). */
export class Listing {
  /** Rows taken the old way, whole, by row (the others are the recipe's, and these). */
  readonly slow = new Map<number, ListEntry>();
  readonly sessions = new Map<number, string>();
  readonly ssoTokens: (string | null | undefined)[] = [];
  readonly keysCreated = new Map<number, string>();
  order: ArrayLike<number> = [];

  constructor(
    readonly recipe: Recipe,
    readonly paths: ProfileSet['paths'],
    readonly active: string | undefined,
  ) {}

  /** Row p taken the old way (a Map of few: asked of every row, looked in only when it holds any). */
  slowRow(p: number): ListEntry | undefined {
    return this.slow.size === 0 ? undefined : this.slow.get(p);
  }

  /** The end of row p's session, or of the key's age, found this run (undefined: none). */
  found(p: number, what: 'sessions' | 'keysCreated'): string | undefined {
    const m = this[what];
    return m.size === 0 ? undefined : m.get(p);
  }

  get count(): number {
    return this.recipe.names.length;
  }

  name(p: number): string {
    return this.recipe.names.get(p);
  }

  /** Whether row p is the active profile (its name decoded only when some profile is). */
  isActive(p: number): boolean {
    return this.active !== undefined && this.name(p) === this.active;
  }

  kind(p: number): ListEntry['kind'] {
    return this.slowRow(p)?.kind ?? PROFILE_KINDS[this.recipe.kind[p]!]!;
  }

  private string(column: Int32Array, p: number): string | null {
    const n = column[p]!;
    return n < 0 ? null : this.recipe.strings[n]!;
  }

  region(p: number): string | null {
    const e = this.slowRow(p);
    return e ? e.region : this.string(this.recipe.region, p);
  }

  problem(p: number): string | null {
    const e = this.slowRow(p);
    return e ? e.problem : this.string(this.recipe.problem, p);
  }

  session(p: number): string | null {
    const e = this.slowRow(p);
    return e ? e.sessionExpiresAt : (this.found(p, 'sessions') ?? null);
  }

  ssoToken(p: number): string | null {
    const e = this.slowRow(p);
    const group = this.recipe.sso[p]!;
    return e ? e.ssoTokenExpiresAt : group < 0 ? null : (this.ssoTokens[group] ?? null);
  }

  keyCreated(p: number): string | null {
    const e = this.slowRow(p);
    return e ? e.keyCreatedAt : (this.found(p, 'keysCreated') ?? null);
  }

  /** Row p as the documented `list --json` entry. */
  entry(p: number): ListEntry {
    const slow = this.slowRow(p);
    if (slow) return slow;
    const files: ListEntry['files'] = [];
    const c = this.recipe.configLine[p]!;
    const k = this.recipe.credentialsLine[p]!;
    if (c > 0) files.push({ file: this.paths.config, line: c });
    if (k > 0) files.push({ file: this.paths.credentials, line: k });
    return {
      name: this.name(p),
      kind: this.kind(p),
      region: this.region(p),
      active: this.isActive(p),
      sessionExpiresAt: this.session(p),
      ssoTokenExpiresAt: this.ssoToken(p),
      files,
      problem: this.problem(p),
      keyCreatedAt: this.keyCreated(p),
    };
  }

  /** Every row as an entry, in list's order. */
  entries(): ListEntry[] {
    return Array.from(this.order, (p) => this.entry(p));
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

/**
 * Whether the directory `aws sso login` caches tokens in (sessions/sso.ts, ssoCacheDir:
 * ~/.aws/sso/cache) holds no token file (*.json) at all.
 */
function noSsoTokens(env: Env): boolean {
  try {
    return !readdirSync(join(homeOf(env), '.aws', 'sso', 'cache')).some((f) => f.endsWith('.json'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR';
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
export async function listEntries(set: ProfileSet, ctx: ListContext, cache?: IndexCache): Promise<ListEntry[]> {
  return (await listing(set, ctx, cache)).entries();
}

/** The profiles' rows; with `cache`, the recipe of files that have not changed is kept between runs. */
export async function listing(set: ProfileSet, ctx: ListContext, cache?: IndexCache): Promise<Listing> {
  const now = ctx.now();
  const active = ctx.env.AWS_PROFILE || ctx.env[STATE.profile];
  const keys = cachedKeys(ctx.env);
  const deps = { ...realDeps(ctx.env, ctx.now, ctx.warn), cache: new KnownKeysCache(cacheDir(ctx.env), keys, ctx.warn) };
  const keyCreated = keyAgesReader(cacheDir(ctx.env));

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
  // With no token file at all (never logged in), none has one: sessions/sso.js (an ES module,
  // 25 ms to load with Node's ES loader) is not loaded to say so.
  let sso: typeof import('../sessions/sso.js') | undefined;
  const tokens = new Map<string, string | null>();
  const noTokens = noSsoTokens(ctx.env);
  const ssoTokenExpiry = async (name: string): Promise<string | null> => {
    if (noTokens) return null;
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
  const slow = async (name: string): Promise<ListEntry> => {
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
    return {
      name,
      kind,
      region,
      active: name === active,
      sessionExpiresAt: kind === 'mfa' || kind === 'role' || kind === 'web-identity' ? await cachedExpiry(name) : null,
      ssoTokenExpiresAt: kind === 'sso' ? await ssoTokenExpiry(name) : null,
      files: p.sections.map(({ file, line }) => ({ file, line })),
      problem,
      keyCreatedAt: (kind === 'keys' || kind === 'mfa') && typeof key === 'string' && key.startsWith('AKIA') ? (keyCreated(keyAgeDigest(key))?.toISOString() ?? null) : null,
    };
  };

  const recipe = recipeOf(set, cache);
  const rows = new Listing(recipe, set.paths, active);
  const { kind, session, sso: ssoGroup, keyId, strings, names } = recipe;
  // Many profiles the old way: each file read whole once (as loadProfiles' iteration does)
  // rather than a section at a time.
  let slowCount = 0;
  for (const k of kind) if (k === SLOW) slowCount++;
  if (slowCount > 256) {
    set.files?.config.all();
    set.files?.credentials.all();
  }
  const MFA = PROFILE_KINDS.indexOf('mfa');
  const ROLE = PROFILE_KINDS.indexOf('role');
  const WEB = PROFILE_KINDS.indexOf('web-identity');
  for (let p = 0; p < names.length; p++) {
    const k = kind[p]!;
    if (k === SLOW) {
      rows.slow.set(p, await slow(names.get(p)));
      continue;
    }
    if (k === MFA || k === ROLE || k === WEB) {
      const s = session[p]!;
      const ask = s === ASK || (s >= 0 && (keys === undefined || keys.has(strings[s]!)));
      const expiry = ask ? await cachedExpiry(names.get(p)) : null;
      if (expiry !== null) rows.sessions.set(p, expiry);
    }
    const g = ssoGroup[p]!;
    if (g >= 0 && rows.ssoTokens[g] === undefined) rows.ssoTokens[g] = await ssoTokenExpiry(names.get(p));
    const id = keyId[p]!;
    const created = id >= 0 ? keyCreated(strings[id]!) : undefined;
    if (created) rows.keysCreated.set(p, created.toISOString());
  }
  // localeCompare's order, without loading ICU when the names and locale allow (util/collate.ts).
  if (recipe.order && asciiCollationIsRoot(ctx.env)) {
    rows.order = recipe.order;
  } else {
    const order = localeOrder(ctx.env);
    rows.order = Array.from({ length: names.length }, (_, p) => p).sort((a, b) => order(names.get(a), names.get(b)));
  }
  return rows;
}

/** The files' recipe: kept from an earlier run, or made from their digests (and kept). */
function recipeOf(set: ProfileSet, cache: IndexCache | undefined): Recipe {
  const config = set.files?.config;
  const credentials = set.files?.credentials;
  const kept = cache && config && credentials ? loadRecipe(cache, set.paths, config, credentials) : undefined;
  if (kept) return kept;
  const dc = config && digestFile(config);
  const dk = credentials && digestFile(credentials);
  if (!config || !credentials || !dc || !dk) return emptyRecipe([...set.profiles.keys()]);
  const recipe = digestRecipe(config, credentials, dc, dk);
  if (cache) saveRecipe(cache, set.paths, config, credentials, recipe);
  return recipe;
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

const lineOf = (file: IniFile, i: number): number => file.indexed!.index.rec[i * STRIDE + LINE]!;

/** The recipe of both files' digests; the odd profiles marked SLOW. */
function digestRecipe(config: IniFile, credentials: IniFile, dc: Digest, dk: Digest): Recipe {
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
  const seen = new Set<string>();
  headers.forEach((section, i) => {
    const name = !irregular.has(i) && section.startsWith('profile ') ? section.slice('profile '.length) : configProfileName(section);
    if (name === undefined || name === '') return;
    if (twice.has(name)) {
      if (seen.has(name)) return;
      seen.add(name);
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
  const recipe = emptyRecipe(names);
  const odd: boolean[] = [];
  for (let p = 0; p < count; p++) odd.push(twice.has(names[p]!) || (c[p]! >= 0 && dc.present[c[p]!]! < 0) || (k[p]! >= 0 && dk.present[k[p]!]! < 0));

  // Per profile, as settingsOf merges it: every key from the credentials file over config's,
  // except the static keys, which come whole from one file (profiles.ts, mergeProfile).
  const presentC = (p: number) => (c[p]! >= 0 ? dc.present[c[p]!]! : 0);
  const presentK = (p: number) => (k[p]! >= 0 ? dk.present[k[p]!]! : 0);
  const valueOf = (d: Digest, i: number, field: Field): string | undefined => {
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
  const value = (p: number, field: Field): string | undefined => {
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
    const visited: string[] = [];
    let current: number | undefined = p;
    while (current !== undefined) {
      const name: string = names[current]!;
      if (visited.includes(name)) return `source_profile forms a cycle: ${[...visited, name].join(' → ')}`;
      visited.push(name);
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

  // The cache key of the session `use` would look for, as the Resolver makes it (resolve.ts):
  // an MFA session of the profile's keys; a role's session over a plain source with static
  // keys (or its own keys), or, with mfa_serial, first the MFA session of those keys. ASK
  // for anything else (the Resolver is asked when the cache holds any session at all).
  const sessionKeyOf = (p: number): string | typeof ASK | typeof NO_SESSION => {
    const kind = kinds[p]!;
    if (kind === 'mfa') {
      return mfaSessionKey({ accessKeyId: value(p, 'aws_access_key_id')!, secretAccessKey: value(p, 'aws_secret_access_key')! }, value(p, 'mfa_serial')!, undefined);
    }
    if (kind !== 'role') return ASK;
    const name = names[p]!;
    const sourceName = value(p, 'source_profile');
    if (sourceName === undefined) return NO_SESSION;
    const source = sourceName === name ? p : position.get(sourceName);
    if (source === undefined) return NO_SESSION;
    if (odd[source]) return ASK;
    if (source !== p && kindOfFast(source, true) !== 'keys') return ASK;
    if (source === p && !(has(p) & B.keyId)) return NO_SESSION;
    const keyId = value(source, 'aws_access_key_id')!;
    const serial = value(p, 'mfa_serial');
    if (serial !== undefined) return mfaSessionKey({ accessKeyId: keyId, secretAccessKey: value(source, 'aws_secret_access_key')! }, serial, undefined);
    return roleSessionKey(keyId, { role_arn: value(p, 'role_arn'), external_id: value(p, 'external_id'), role_session_name: value(p, 'role_session_name') }, undefined, undefined);
  };

  const strings = recipe.strings;
  const ids = new Map<string, number>();
  const intern = (s: string): number => {
    let n = ids.get(s);
    if (n === undefined) {
      n = strings.length;
      strings.push(s);
      ids.set(s, n);
    }
    return n;
  };

  // SSO profiles that say the same of their portal share one answer: ssoTarget reads only
  // sso_session, sso_start_url, sso_region and whether the account and role are set.
  // (Maps by value, no string made per profile: the values are the digests' own strings.)
  type ByValue<T> = Map<string | undefined, T>;
  const groups: ByValue<ByValue<ByValue<number[]>>> = new Map();
  let groupCount = 0;
  const level = <T>(m: ByValue<T>, key: string | undefined, make: () => T): T => {
    let v = m.get(key);
    if (v === undefined) m.set(key, (v = make()));
    return v;
  };
  const ssoGroupOf = (p: number): number => {
    const byUrl = level(groups, value(p, 'sso_session'), () => new Map());
    const byRegion = level(byUrl, value(p, 'sso_start_url'), () => new Map());
    const slots = level(byRegion, value(p, 'sso_region'), (): number[] => []);
    const slot = ((has(p) & B.ssoAccount) !== 0 ? 1 : 0) + ((has(p) & B.ssoRole) !== 0 ? 2 : 0);
    return (slots[slot] ??= groupCount++);
  };

  const MFA = PROFILE_KINDS.indexOf('mfa');
  for (let p = 0; p < count; p++) {
    const problem = odd[p] ? undefined : firstProblem(p);
    if (problem === undefined) continue; // SLOW
    const kind = kinds[p]!;
    const code = PROFILE_KINDS.indexOf(kind);
    recipe.kind[p] = code;
    if (has(p) & B.region) recipe.region[p] = intern(value(p, 'region')!);
    if (problem !== null) recipe.problem[p] = intern(problem);
    if (c[p]! >= 0) recipe.configLine[p] = lineOf(config, c[p]!);
    if (k[p]! >= 0) recipe.credentialsLine[p] = lineOf(credentials, k[p]!);
    if (kind === 'mfa' || kind === 'role' || kind === 'web-identity') {
      const key = sessionKeyOf(p);
      recipe.session[p] = typeof key === 'string' ? intern(key) : key;
    }
    if (kind === 'sso') recipe.sso[p] = ssoGroupOf(p);
    const keyId = value(p, 'aws_access_key_id');
    if ((kind === 'keys' || code === MFA) && keyId?.startsWith('AKIA')) recipe.keyId[p] = intern(keyAgeDigest(keyId));
  }
  if (names.every(isRootAscii)) {
    // Every pair compares the same under any locale whose ASCII order is the root one.
    const order = localeOrder({});
    recipe.order = Int32Array.from(Array.from(names.keys()).sort((a, b) => order(names[a]!, names[b]!)));
  }
  return recipe;
}
