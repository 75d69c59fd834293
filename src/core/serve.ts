// `exec --server`: PROFILE's sessions served to one command through a local credentials
// endpoint, renewed while it runs, and the environment that makes every SDK use it.
//
// Which variables, and why (each SDK's default chain, read in its source):
// - botocore / AWS CLI v2 (awscli/botocore/credentials.py create_credential_resolver):
//   env → assume-role (profile's role_arn) → web identity → SSO → shared credentials file →
//   credential_process → config file keys → container → IMDS.
// - JS v3 (@aws-sdk/credential-provider-node defaultProvider): env (skipped when AWS_PROFILE
//   is set) → SSO → ini files → process → web identity token file → container/IMDS.
// - Go v2 (config/resolve_credentials.go): env keys, or with a profile named the profile's
//   keys/role/SSO/process, and only then the container endpoint; a profile named in
//   AWS_PROFILE that does not exist is an error at LoadDefaultConfig.
// - Java v2 (DefaultCredentialsProvider): system properties → env → web identity →
//   profile file → container → IMDS.
// In all four the profile in the shared files comes BEFORE the container endpoint, so a
// `[default]` with keys in ~/.aws/credentials (or a credential_process, a role, SSO in
// ~/.aws/config) would win over the server. Unsetting AWS_PROFILE does not help (that is
// what selects `default`); naming a profile that does not exist breaks botocore and Go;
// naming PROFILE itself makes the SDK resolve PROFILE on its own (its own MFA prompt, its
// own AssumeRole), bypassing the server.
// So the child gets its own pair of files: AWS_CONFIG_FILE holds PROFILE's settings with
// every credential setting taken out (region, output, retries, endpoints, s3, ca_bundle,
// `[services …]` all kept), as both `[default]` and `[profile PROFILE]`, and
// AWS_SHARED_CREDENTIALS_FILE is an empty file. AWS_PROFILE=PROFILE then names a profile
// that exists and yields no credentials, and every SDK reaches the container endpoint,
// whatever ~/.aws holds. The files hold no secret; they live in a 0700 directory that is
// removed when the command ends. The price: other profiles are not visible to the command
// (`aws --profile other` says the profile does not exist) — documented in docs/exec.md.
// Variables that would take precedence over the endpoint are unset: the credential
// variables (and the legacy names), AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (beats
// FULL_URI everywhere), AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (beats the token in newer
// SDKs), and the web identity variables.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../files/files.js';
import { getProfile, loadProfiles, type Profile } from '../files/profiles.js';
import { Renewer } from '../sessions/renew.js';
import { newToken, type ServedCredentials, startCredentialsServer } from '../sessions/server.js';
import { realSts } from '../sessions/sts.js';
import { profileIndexCache } from '../sessions/cache.js';
import { askTerminalAsync } from '../util/ask.js';
import { realDeps } from './deps.js';
import { type Credentials, useChange } from './environment.js';
import { Resolver } from './resolve.js';
import { CREDENTIAL_VARS, LEGACY_VARS, REGION_VARS, STATE_VARS } from './variables.js';

/** Unset in the child: each would be used before the endpoint by some SDK. */
export const SHADOWING_VARS = [
  ...CREDENTIAL_VARS,
  ...LEGACY_VARS,
  // Java SDK v1's alternative names.
  'AWS_ACCESS_KEY',
  'AWS_SECRET_KEY',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
] as const;

/** Settings that make an SDK get credentials itself; none reaches the child's config. */
const CREDENTIAL_SETTING = /^(aws_|sso_|role_|credential_|web_identity|login_)|^(source_profile|external_id|mfa_serial|duration_seconds|expiration)$/;

/** A name the INI header `[profile NAME]` carries as is for every SDK's parser. */
const PLAIN_NAME = /^[A-Za-z0-9_.@+=,:/-]+$/;

function iniLines(key: string, value: string | Record<string, string>): string[] {
  if (typeof value === 'string') {
    // A value continued over indented lines in the user's file keeps its lines.
    const [first, ...more] = value.split('\n');
    return [`${key} = ${first}`, ...more.map((l) => `  ${l}`)];
  }
  return [`${key} =`, ...Object.entries(value).map(([k, v]) => `  ${k} = ${v}`)];
}

/**
 * The child's config file: PROFILE's settings without credential settings, under
 * `[default]` and `[profile NAME]`, and the `[services …]` sections they may name.
 * Returns the text and whether the profile's own section is in it.
 */
export function childConfig(profile: Profile, servicesSections: { name: string; values: Map<string, { value: string | Record<string, string> }> }[]): { text: string; named: boolean } {
  const body: string[] = [];
  for (const [key, setting] of profile.settings) {
    if (!CREDENTIAL_SETTING.test(key)) body.push(...iniLines(key, setting.value));
  }
  const named = profile.name !== 'default' && PLAIN_NAME.test(profile.name);
  const lines = ['# Written by `awsenv exec --server` for one command, removed when it ends.', '[default]', ...body];
  if (named) lines.push('', `[profile ${profile.name}]`, ...body);
  for (const s of servicesSections) {
    lines.push('', `[${s.name}]`);
    for (const [key, v] of s.values) lines.push(...iniLines(key, v.value));
  }
  return { text: `${lines.join('\n')}\n`, named };
}

export interface ServeOptions {
  profile: string;
  mfaCode?: string | undefined;
}

export interface Serving {
  /** The child's whole environment. */
  env: Record<string, string>;
  renewer: Renewer;
  stop(): Promise<void>;
}

/** Credentials as the endpoint serves them: always a session (token and end). */
async function asSession(c: Credentials, env: Env, region: string | undefined, now: Date): Promise<ServedCredentials> {
  if (c.sessionToken) {
    // A token of unknown end (credential_process, a token in the files): handed out for an
    // hour at a time; the SDK asks again, and gets it again.
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration ?? new Date(now.getTime() + 3600_000) };
  }
  // Long-term keys: the command gets a session made from them (GetSessionToken), never the
  // keys themselves.
  return (await realSts(env, region)).getSessionToken({ source: c });
}

export async function startServing(o: ServeOptions, ctx: { env: Env; now(): Date; warn(message: string): void }): Promise<Serving> {
  const { env, now, warn } = ctx;
  // 1. PROFILE as `use` resolves it: a cached session reused, the MFA code asked if needed.
  const set = loadProfiles(env, profileIndexCache(env));
  const profile = getProfile(set, o.profile);
  const resolved = await new Resolver(set, realDeps(env, now, warn), { mfaCode: o.mfaCode }).resolve(o.profile);
  const first = await asSession(resolved.credentials, env, resolved.region, now());

  // 2. Renewals: the files read again (rotated keys), the source sessions from the cache,
  // a code asked on the terminal without stopping the server, no spinner (the command
  // owns the terminal), and never the --mfa-code given at the start (a code is used once).
  const lifeSeconds = Number(env.AWSENV_TEST_SESSION_LIFE);
  const renewer = new Renewer({
    what: `the session of '${o.profile}'`,
    hint: `renew it on a terminal with \`awsenv use ${o.profile}\`, and the command gets it within a minute`,
    now,
    warn,
    lifeMs: Number.isFinite(lifeSeconds) && lifeSeconds > 0 ? lifeSeconds * 1000 : undefined,
    obtain: async (fresh) => {
      const deps = realDeps(env, now, warn, { refreshProfile: fresh ? o.profile : undefined });
      deps.askMfaCode = async (serial) => {
        if (env.AWSENV_NONINTERACTIVE === '1') throw new Error(`it needs an MFA code for ${serial}`);
        return askTerminalAsync(`awsenv: MFA code for ${serial} (to renew the session of '${o.profile}'): `);
      };
      delete deps.progress;
      const r = await new Resolver(loadProfiles(env, profileIndexCache(env)), deps, { refresh: fresh }).resolve(o.profile);
      return asSession(r.credentials, env, r.region, now());
    },
  });
  await renewer.start(first);

  // 3. The endpoint, and the child's files and environment.
  const token = newToken();
  const server = await startCredentialsServer({ token, credentials: () => renewer.credentials() });
  const dir = mkdtempSync(join(tmpdir(), 'awsenv-exec-'));
  const stop = async () => {
    renewer.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Read through the files loaded above: only the few sections that are not profiles are
    // looked at, not every one of a generated config (issue 15).
    const configFile = set.files!.config;
    const services = configFile.others().flatMap(([name, i]) => (/^services\s/.test(name) ? [configFile.section(i)] : []));
    const config = childConfig(profile, services);
    writeFileSync(join(dir, 'config'), config.text, { mode: 0o600 });
    writeFileSync(join(dir, 'credentials'), '', { mode: 0o600 });

    const child: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) if (v !== undefined) child[k] = v;
    for (const name of [...SHADOWING_VARS, ...STATE_VARS]) delete child[name];
    // Regions exactly as `use` sets them (or removes the one awsenv set before).
    const change = useChange(o.profile, resolved.credentials, resolved.region, env);
    for (const name of REGION_VARS) {
      const v = change[name];
      if (v === null) delete child[name];
      else if (v !== undefined) child[name] = v;
    }
    Object.assign(child, {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: server.url,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: token,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    });
    if (config.named) child.AWS_PROFILE = o.profile;
    else delete child.AWS_PROFILE;
    return { env: child, renewer, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
