// `awsenv use` without a profile, on a real terminal (tmux): the picker, drawn on /dev/tty
// while the hook's wrapper reads stdout; type to filter, arrows, Enter applies the choice,
// Esc leaves everything as it was.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Sandbox, sandbox } from '../helpers/env.js';
import { requireTool } from '../helpers/tools.js';
import { type HookShell, inSession, type Session } from '../hooks/term.js';

const CONFIG = `[profile admin]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = admin\n[profile dev]\nregion = us-east-1\n[profile sandbox-dev]\nregion = eu-central-1\n`;
const CREDENTIALS = `[admin]\naws_access_key_id = AKIAADMIN0000000001\naws_secret_access_key = a\n[dev]\naws_access_key_id = AKIADEV00000000001\naws_secret_access_key = d\n[sandbox-dev]\naws_access_key_id = AKIASANDBOX0000001\naws_secret_access_key = s\n`;
const TITLE = 'awsenv use: type to filter';

async function withShell(shell: HookShell, body: (s: Session, box: Sandbox) => Promise<void>): Promise<void> {
  if (!requireTool('tmux', 'the picker is driven in tmux') || !requireTool(shell, `the picker is tried from the ${shell} hook`)) return;
  await inSession(
    shell,
    {},
    (box) => {
      box.write('config', CONFIG);
      box.write('credentials', CREDENTIALS);
    },
    body,
  );
}

const printenv = async (s: Session, name: string) => (await s.run(`printenv ${name}`)).output.trim();
/** The lines after the last "awsenv use" typed: the picker as it is drawn now. */
const picker = (screen: string) => screen.slice(screen.lastIndexOf(TITLE));

for (const shell of ['bash', 'zsh', 'fish'] as const) {
  const t = suite(`the profile picker, from the ${shell} hook`);

  t('rows show kind and region; typing filters (fuzzy); Enter applies the choice', () =>
    withShell(shell, async (s) => {
      s.type('awsenv use');
      s.key('Enter');
      let screen = picker(await s.waitFor((text) => text.includes(TITLE) && text.includes('4/4')));
      assert.match(screen, /PROFILE +KIND +REGION +SESSION/);
      assert.match(screen, /admin +mfa +eu-west-1 +-/);
      assert.match(screen, /deploy +role +- +-/);
      assert.match(screen, /dev +keys +us-east-1 +-/);
      s.type('sdv');
      screen = picker(await s.waitFor((text) => picker(text).includes('1/4')));
      assert.match(screen, /> +sandbox-dev +keys +eu-central-1/, 'the one match is under the cursor');
      s.key('Enter');
      const after = await s.waitFor((text) => /\(aws:sandbox-dev\) \[0\] >$/.test(text.split('\n').at(-1) ?? ''));
      assert.not.match(after.slice(after.lastIndexOf('awsenv use')), '1/4', 'the picker erased itself');
      assert.is(await printenv(s, 'AWS_ACCESS_KEY_ID'), 'AKIASANDBOX0000001');
      assert.is(await printenv(s, 'AWS_PROFILE'), 'sandbox-dev');
    }),
  );

  t('the active profile is marked and under the cursor; arrows move; Esc cancels with status 1 and changes nothing', () =>
    withShell(shell, async (s) => {
      await s.run('awsenv use dev');
      s.type('awsenv use');
      s.key('Enter');
      let screen = picker(await s.waitFor((text) => picker(text).includes('4/4')));
      assert.match(screen, /> \* +dev +keys/, 'active, and the cursor starts on it');
      s.key('Down');
      screen = picker(await s.waitFor((text) => /> +sandbox-dev/.test(picker(text))));
      s.key('Escape');
      const after = await s.waitFor((text) => /\[1\] >$/.test(text.split('\n').at(-1) ?? ''));
      assert.match(after.split('\n').at(-1)!, /^\(aws:dev\) \[1\] >$/);
      assert.is(await printenv(s, 'AWS_PROFILE'), 'dev');
      assert.is(await printenv(s, 'AWS_ACCESS_KEY_ID'), 'AKIADEV00000000001');
    }),
  );

  t.run();
}
