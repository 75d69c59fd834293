// doctor's checks that moto cannot show: clock skew, partitions and opt-in regions, with
// an injected STS and clock.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ProfileSet } from '../../src/files/profiles.js';
import type { StsPort } from '../../src/sessions/sts.js';
import { StsError } from '../../src/sessions/sts-sdk.js';
import { type DoctorDeps, diagnose, partitionOf } from '../../src/core/doctor.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const noFiles = (): ProfileSet => ({ paths: { config: '/nonexistent/config', credentials: '/nonexistent/credentials' }, profiles: new Map() });
const keysEnv = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY000001', AWS_SECRET_ACCESS_KEY: 's' };

function deps(env: Record<string, string>, sts: Partial<StsPort>): DoctorDeps {
  return {
    env,
    now: NOW,
    load: noFiles,
    resolve: async () => assert.unreachable('no profile') as never,
    sts: async () => sts as StsPort,
  };
}
const causes = (r: { checks: { status: string; cause: string | null }[] }) =>
  [...new Set(r.checks.filter((c) => c.status === 'problem').map((c) => c.cause))];

const d = suite('doctor checks with injected STS and clock');
d('a clock 10 minutes ahead of AWS is clock skew, with the offset printed', async () => {
  const r = await diagnose(undefined, false, deps(keysEnv, {
    callerIdentity: async () => ({ arn: 'arn:aws:iam::1:user/x', account: '1', serverDate: new Date(NOW.getTime() - 600_000) }),
  }));
  assert.equal(causes(r), ['clock-skew']);
  assert.match(r.checks.find((c) => c.id === 'clock')!.message, '10m ahead of AWS');
});
d('RequestExpired with the server date: clock skew, not a key problem', async () => {
  const r = await diagnose(undefined, false, deps(keysEnv, {
    callerIdentity: async () => {
      const e = new StsError('RequestExpired', 'GetCallerIdentity failed: the request was signed at a time AWS does not accept');
      e.serverDate = new Date(NOW.getTime() + 3_600_000);
      throw e;
    },
  }));
  assert.equal(causes(r), ['clock-skew']);
  assert.match(r.checks.find((c) => c.id === 'clock')!.message, '1h behind AWS');
});
d('an unknown key while the region is in GovCloud: the partition is named', async () => {
  const r = await diagnose(undefined, false, deps({ ...keysEnv, AWS_REGION: 'us-gov-west-1' }, {
    callerIdentity: async () => {
      throw new StsError('InvalidClientTokenId', 'GetCallerIdentity failed: unknown key');
    },
  }));
  assert.equal(causes(r), ['partition']);
  assert.is(partitionOf('cn-north-1'), 'aws-cn');
  assert.is(partitionOf('eu-west-1'), 'aws');
});
d('an opt-in region with a session from the global endpoint: a warning with the fix', async () => {
  const r = await diagnose(undefined, false, deps({ AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEY000001', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't', AWS_REGION: 'af-south-1', AWS_STS_REGIONAL_ENDPOINTS: 'legacy' }, {
    callerIdentity: async () => ({ arn: 'a', account: '1' }),
  }));
  const w = r.checks.find((c) => c.id === 'region')!;
  assert.is(w.status, 'warning');
  assert.is(w.fix, 'export AWS_STS_REGIONAL_ENDPOINTS=regional');
  assert.ok(r.healthy, 'a warning alone is healthy');
});
const damaged: [string, Record<string, string>, string][] = [
  ['a token with a bell character', { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEY000001', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 'to\x07ken' }, 'AWS_SESSION_TOKEN contains a control character (U+0007)'],
  ['a secret with a trailing space', { ...keysEnv, AWS_SECRET_ACCESS_KEY: 's ' }, 'AWS_SECRET_ACCESS_KEY begins or ends with a space'],
  ['a token with a carriage return', { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEY000001', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 'token\r' }, 'AWS_SESSION_TOKEN contains a line break'],
];
for (const [name, env, message] of damaged) {
  d(`${name}: wrong-secret, named, STS not asked`, async () => {
    const r = await diagnose(undefined, false, deps(env, { callerIdentity: async () => assert.unreachable('STS asked') as never }));
    assert.equal(causes(r), ['wrong-secret']);
    assert.match(r.checks.find((c) => c.id === 'damaged-value')!.message, message);
  });
}
d.run();
