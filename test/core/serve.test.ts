// The command's config file under `exec --server`: PROFILE's settings without any setting
// that would make an SDK get credentials itself, as `[default]` and `[profile NAME]`, with
// the `[services …]` sections. Read back with awsenv's own INI reader (botocore's rules).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { childConfig } from '../../src/core/serve.js';
import { parseIni } from '../../src/files/ini.js';
import { getProfile, loadProfiles } from '../../src/files/profiles.js';

const test = suite('childConfig');
/** The INI reader's nested blocks have no prototype; compare their entries. */
const plain = (v: unknown) => ({ ...(v as object) });
let dir: string;
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'awsenv-serve-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

function profile(config: string, credentials: string, name: string) {
  writeFileSync(join(dir, 'config'), config);
  writeFileSync(join(dir, 'credentials'), credentials);
  return getProfile(loadProfiles({ AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') }), name);
}

test('keeps every setting that is not about credentials, drops every one that is', () => {
  const p = profile(
    [
      '[profile admin]',
      'role_arn = arn:aws:iam::1:role/admin',
      'source_profile = base',
      'mfa_serial = arn:aws:iam::1:mfa/me',
      'external_id = x',
      'role_session_name = me',
      'duration_seconds = 3600',
      'credential_process = /bin/false',
      'credential_source = Environment',
      'web_identity_token_file = /t',
      'sso_session = corp',
      'sso_account_id = 1',
      'login_session = y',
      'region = eu-west-1',
      'output = json',
      'retry_mode = adaptive',
      'max_attempts = 7',
      'services = local',
      'cli_pager =',
      's3 =',
      '  addressing_style = path',
      '  max_concurrent_requests = 20',
      '[services local]',
      'sts =',
      '  endpoint_url = http://127.0.0.1:1',
      '',
    ].join('\n'),
    '[admin]\naws_access_key_id = AKIAX\naws_secret_access_key = secret\naws_session_token = tok\nca_bundle = /etc/ca.pem\n',
    'admin',
  );
  const { text, named } = childConfig(p, [{ name: 'services local', values: new Map([['sts', { value: { endpoint_url: 'http://127.0.0.1:1' } }]]) }]);
  assert.ok(named);
  assert.not.match(text, /secret|AKIAX|tok|role_arn|source_profile|mfa_serial|external_id|role_session_name|duration_seconds|credential_|web_identity|sso_|login_/);
  const sections = new Map(parseIni('child', text).map((s) => [s.name, s.values]));
  assert.equal([...sections.keys()], ['default', 'profile admin', 'services local']);
  for (const name of ['default', 'profile admin']) {
    const v = sections.get(name)!;
    assert.is(v.get('region')!.value, 'eu-west-1');
    assert.is(v.get('output')!.value, 'json');
    assert.is(v.get('retry_mode')!.value, 'adaptive');
    assert.is(v.get('max_attempts')!.value, '7');
    assert.is(v.get('services')!.value, 'local');
    assert.is(v.get('cli_pager')!.value, '');
    assert.is(v.get('ca_bundle')!.value, '/etc/ca.pem');
    assert.equal(plain(v.get('s3')!.value), { addressing_style: 'path', max_concurrent_requests: '20' });
  }
  assert.equal(plain(sections.get('services local')!.get('sts')!.value), { endpoint_url: 'http://127.0.0.1:1' });
});

test('the default profile, and a name no header can carry for every SDK, get [default] only', () => {
  const d = childConfig(profile('[default]\nregion = us-east-2\n', '[default]\naws_access_key_id = A\naws_secret_access_key = s\n', 'default'), []);
  assert.not.ok(d.named);
  assert.equal(parseIni('child', d.text).map((s) => s.name), ['default']);
  const odd = childConfig(profile('[profile "a b"]\nregion = us-east-2\n', '', 'a b'), []);
  assert.not.ok(odd.named);
  assert.equal(parseIni('child', odd.text).map((s) => s.name), ['default']);
});

test.run();
