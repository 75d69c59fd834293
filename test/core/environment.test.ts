import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { clearChange, useChange } from '../../src/core/environment.js';
import { staticCredentials } from '../../src/core/credentials.js';
import { describeCurrent } from '../../src/core/current.js';
import type { ProfileSet } from '../../src/files/profiles.js';

const KEYS = { accessKeyId: 'AKIAEXAMPLE0000WXYZ', secretAccessKey: 'secret' };

const use = suite('useChange');
use('long-term keys: token and expiry unset, never empty; legacy names unset; state set', () => {
  const c = useChange('admin', KEYS, 'eu-west-1', {});
  assert.equal(c, {
    AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SESSION_TOKEN: null,
    AWS_CREDENTIAL_EXPIRATION: null,
    AWS_SECURITY_TOKEN: null,
    AWS_SESSION_EXPIRATION: null,
    AWS_DEFAULT_PROFILE: null,
    AWS_PROFILE: 'admin',
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWSENV_PROFILE: 'admin',
    AWSENV_KEY_ID: KEYS.accessKeyId,
    AWSENV_EXPIRY: null,
    AWSENV_REGION: 'eu-west-1',
  });
});
use('temporary keys: token, RFC 3339 expiry and epoch seconds', () => {
  const c = useChange('s', { ...KEYS, sessionToken: 'tok', expiration: new Date('2030-01-02T03:04:05.678Z') }, undefined, {});
  assert.is(c.AWS_SESSION_TOKEN, 'tok');
  assert.is(c.AWS_CREDENTIAL_EXPIRATION, '2030-01-02T03:04:05Z');
  assert.is(c.AWSENV_EXPIRY, String(Math.floor(Date.parse('2030-01-02T03:04:05.678Z') / 1000)));
});
use('an empty token is unset, not exported empty', () => {
  assert.is(useChange('s', { ...KEYS, sessionToken: '' }, undefined, {}).AWS_SESSION_TOKEN, null);
});
use('a region awsenv set earlier is removed when the new profile has none', () => {
  const c = useChange('b', KEYS, undefined, { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', AWSENV_REGION: 'eu-west-1' });
  assert.is(c.AWS_REGION, null);
  assert.is(c.AWS_DEFAULT_REGION, null);
  assert.is(c.AWSENV_REGION, null);
});
use('a region the user set by hand is left alone', () => {
  const c = useChange('b', KEYS, undefined, { AWS_REGION: 'us-west-2' });
  assert.not.ok('AWS_REGION' in c);
  const d = useChange('b', KEYS, undefined, { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-west-1', AWSENV_REGION: 'eu-west-1' });
  assert.not.ok('AWS_REGION' in d, 'changed by hand after awsenv set it');
  assert.is(d.AWS_DEFAULT_REGION, null);
});
use.run();

const clear = suite('clearChange');
clear('unsets every contract variable and awsenv state, keeps a hand-set region', () => {
  const c = clearChange({ AWS_REGION: 'us-west-2', AWS_VAULT: 'x' }, false);
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_SECURITY_TOKEN', 'AWS_SESSION_EXPIRATION', 'AWS_DEFAULT_PROFILE', 'AWS_PROFILE', 'AWSENV_PROFILE', 'AWSENV_KEY_ID', 'AWSENV_EXPIRY', 'AWSENV_REGION']) {
    assert.is(c[name], null, name);
  }
  assert.not.ok('AWS_REGION' in c);
  assert.not.ok('AWS_VAULT' in c);
});
clear('--all: regions and other tools\' variables too', () => {
  const c = clearChange({ AWS_REGION: 'us-west-2', AWS_VAULT: 'x', AWSUME_PROFILE: 'p', GRANTED_SSO: '1', AWS_VAULTX: 'keep' }, true);
  assert.is(c.AWS_REGION, null);
  assert.is(c.AWS_DEFAULT_REGION, null);
  assert.is(c.AWS_VAULT, null);
  assert.is(c.AWSUME_PROFILE, null);
  assert.is(c.GRANTED_SSO, null);
  assert.not.ok('AWS_VAULTX' in c);
});
clear.run();

const creds = suite('staticCredentials');
const now = new Date('2026-01-01T00:00:00Z');
creds('a token in the file is exported with its expiration', () => {
  const c = staticCredentials('p', 'keys+token', { aws_access_key_id: 'ASIAX', aws_secret_access_key: 's', aws_session_token: 't', expiration: '2026-01-01T01:00:00Z' }, now);
  assert.is(c.sessionToken, 't');
  assert.equal(c.expiration, new Date('2026-01-01T01:00:00Z'));
});
creds('an expired session in the file is refused with a next step', () => {
  assert.throws(
    () => staticCredentials('p', 'keys+token', { aws_access_key_id: 'ASIAX', aws_secret_access_key: 's', aws_session_token: 't', expiration: '2025-12-31T23:00:00Z' }, now),
    /expired.*clear --stale-tokens/,
  );
});
creds('a profile without credentials says so', () => {
  assert.throws(() => staticCredentials('p', 'none', {}, now), /no credentials/);
});
creds.run();

const cur = suite('describeCurrent');
const noFiles = (): ProfileSet => ({ paths: { config: 'c', credentials: 'k' }, profiles: new Map() });
cur('nothing set: consistent, no credentials', () => {
  const s = describeCurrent({}, noFiles, now);
  assert.is(s.credentials, 'none');
  assert.ok(s.consistent);
});
cur('leftover token next to a long-term key, AWS_PROFILE changed behind awsenv, masked key', () => {
  const s = describeCurrent(
    { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE0000WXYZ', AWS_SESSION_TOKEN: 'tok', AWSENV_PROFILE: 'a', AWSENV_KEY_ID: 'AKIAEXAMPLE0000WXYZ', AWS_PROFILE: 'a' },
    noFiles,
    now,
  );
  assert.is(s.keyId, 'AKIA…WXYZ');
  assert.ok(s.problems.some((p) => p.code === 'leftover-token'));
  assert.ok(s.problems.some((p) => p.code === 'unknown-profile'));
  assert.not.ok(s.consistent);
  assert.not.match(JSON.stringify(s), 'tok"');
});
cur('expired session and ASIA key without token', () => {
  const s = describeCurrent({ AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE0000WXYZ', AWS_CREDENTIAL_EXPIRATION: '2025-12-31T23:00:00Z' }, noFiles, now);
  assert.equal(s.problems.map((p) => p.code).sort(), ['expired', 'token-missing']);
  assert.is(s.secondsLeft, -3600);
});
cur.run();
