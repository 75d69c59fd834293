// The MFA code asked on a real terminal (tmux, from the bash hook) against moto_server: a
// code that is not six digits is asked again, with a line saying why, and the next one gets
// the session. (moto takes any six digits, so STS's rejection of a code is tested with an
// injected STS in test/core/mfa-retry.test.ts.)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Sandbox, sandbox } from '../helpers/env.js';
import { ACCOUNT, type Moto, startMoto } from '../helpers/moto.js';
import { requireTool, skip } from '../helpers/tools.js';
import { Session } from '../hooks/term.js';

const t = suite('MFA code prompt on a terminal (moto_server, tmux)');
let moto: Moto | undefined;
let box: Sandbox;

t.before(async () => {
  moto = await startMoto();
  if (!moto) return; // each test says it was skipped
  box = sandbox();
  const alice = await moto.createUser('alice');
  box.write('credentials', `[mfa]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
  box.write('config', `[profile mfa]\nmfa_serial = arn:aws:iam::${ACCOUNT}:mfa/alice\nduration_seconds = 900\n`);
});
t.after(async () => {
  await moto?.stop();
  box?.cleanup();
});

t('five digits: "must be six digits", asked again; six digits get the session', async () => {
  if (!moto) return skip('moto_server is not installed');
  if (!requireTool('tmux', 'the MFA prompt is typed at in tmux')) return;
  const s = await Session.start(box, 'bash', { env: { AWS_ENDPOINT_URL_STS: moto.endpoint } });
  try {
    const question = `MFA code for arn:aws:iam::${ACCOUNT}:mfa/alice: `.trimEnd();
    s.type('awsenv use mfa');
    s.key('Enter');
    await s.waitFor((text) => text.trimEnd().endsWith(question), 30000);
    s.type('12345');
    s.key('Enter');
    const again = await s.waitFor((text) => text.includes('six digits') && text.trimEnd().endsWith(question), 30000);
    assert.match(again, 'awsenv: the MFA code must be six digits (that was 5); try again');
    s.type('123456');
    s.key('Enter');
    const done = await s.waitFor((text) => /\(aws:mfa 1[45]m\) \[0\] >$/.test(text.split('\n').at(-1) ?? ''), 60000);
    assert.is(done.split(question).length - 1, 2, 'asked twice');
    assert.ok((await s.run('printenv AWS_SESSION_TOKEN')).output.trim().length > 20, 'a session token was applied');
  } finally {
    await s.kill();
  }
});

t.run();
