// Fills the session cache for the given profiles exactly as
// `awsenv use` would, with an STS that answers at once, so the benchmark can time a
// cached `use` without a network, and the build can make its code cache from one.
// Bundled and run by scripts/bench.mjs and scripts/build.mjs.
import { SessionCache } from '../src/sessions/cache.js';
import { loadProfiles } from '../src/files/profiles.js';
import type { StsPort } from '../src/sessions/sts.js';
import { Resolver } from '../src/core/resolve.js';

const session = () => ({
  accessKeyId: 'ASIABENCHSESSION0001',
  secretAccessKey: 'bench-secret',
  sessionToken: 'bench-token-'.padEnd(400, 'x'),
  expiration: new Date(Date.now() + 12 * 3600 * 1000),
});
const sts: StsPort = {
  callerIdentity: async () => ({ arn: 'arn:aws:iam::123456789012:user/bench', account: '123456789012' }),
  getSessionToken: async () => session(),
  assumeRole: async () => session(),
  assumeRoleWithWebIdentity: async () => session(),
};
const env = process.env;
for (const profile of process.argv.slice(2)) {
  await new Resolver(
    loadProfiles(env),
    {
      env,
      now: () => new Date(),
      sts: async () => sts,
      cache: new SessionCache(env.AWSENV_CACHE_DIR!),
      askMfaCode: async () => '123456',
      runProcess: async () => {
        throw new Error('no process in the benchmark');
      },
      sso: async () => {
        throw new Error('no SSO in the benchmark');
      },
    },
    {},
  ).resolve(profile);
}
