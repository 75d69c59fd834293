// Builds the CLI into dist/:
//   dist/awsenv.js      a small loader (scripts/loader.cjs) that runs dist/main.cjs from
//                       V8's code cache, dist/main.cjs.cache, made here by one run.
//   dist/main.cjs       the entry, CommonJS (dist/package.json says so): use, clear and
//                       current run from this one file. CommonJS because Node loads a
//                       built-in module imported from ESM with all its lazy parts (node:fs
//                       brings fs/promises, streams and readline): several ms per `use`.
//   dist/lazy/*.mjs     everything else, ESM, loaded by import() only when needed: the full
//                       command line (yargs), the AWS SDK, credential_process (execa).
// The lazy parts carry their own copies of shared modules; errors.ts's brand keeps
// `instanceof AwsenvError` true across copies. Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** The modules loaded with import() only when needed, by the name of their lazy bundle. */
const LAZY = {
  cli: 'src/cli.ts',
  'sts-sdk': 'src/sessions/sts-sdk.ts',
  process: 'src/sessions/process.ts',
  'core-sso': 'src/core/sso.ts',
  'aws-sso': 'src/sessions/sso.ts',
  login: 'src/sessions/login.ts',
  'credentials-file': 'src/core/credentials-file.ts',
  pick: 'src/commands/pick.ts',
  rotate: 'src/core/rotate.ts',
  'iam-sdk': 'src/sessions/iam-sdk.ts',
};
const lazyBySource = new Map(Object.entries(LAZY).map(([name, source]) => [resolve(source), name]));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  define: { AWSENV_VERSION: JSON.stringify(version) },
  logLevel: 'warning',
};

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');

await build({
  ...common,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.cjs',
  format: 'cjs',
  // Whitespace and syntax only (names stay, for AWSENV_DEBUG's stack traces): a third less
  // text for every run to read, about 0.3 ms of a `use`.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [
    {
      name: 'lazy',
      setup(b) {
        b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
          if (args.kind !== 'dynamic-import') return undefined;
          const name = lazyBySource.get(resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
          return name ? { path: `./lazy/${name}.mjs`, external: true } : undefined;
        });
        // The loader runs this bundle through vm, where import() needs the loader's help.
        b.onEnd(() => {
          const text = readFileSync('dist/main.cjs', 'utf8');
          writeFileSync('dist/main.cjs', text.replaceAll('import("./lazy/', '__awsenvImport("./lazy/'));
        });
      },
    },
  ],
});

await build({
  ...common,
  entryPoints: LAZY,
  outdir: 'dist/lazy',
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS dependencies call require(); give the ESM bundles one.
  banner: { js: "import { createRequire as __awsenvRequire } from 'node:module'; const require = __awsenvRequire(import.meta.url);" },
});
copyFileSync('scripts/loader.cjs', 'dist/awsenv.js');
chmodSync('dist/awsenv.js', 0o755);

// The code cache, from a representative run in a scratch HOME: `use` of a role whose
// source is an MFA profile, both sessions cached (seeded by scripts/bench-seed.ts with an
// STS that answers in-process), so the cache holds the session code as well as the
// static-key code it shares.
const scratch = mkdtempSync(join(tmpdir(), 'awsenv-build-'));
try {
  writeFileSync(join(scratch, 'credentials'), '[p]\naws_access_key_id = AKIABUILDCACHE000001\naws_secret_access_key = build\n');
  writeFileSync(
    join(scratch, 'config'),
    '[profile p]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/build\n' +
      '[profile r]\nrole_arn = arn:aws:iam::123456789012:role/build\nsource_profile = p\nregion = eu-west-1\n',
  );
  const env = {
    PATH: process.env.PATH,
    HOME: scratch,
    AWS_CONFIG_FILE: join(scratch, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'credentials'),
    AWSENV_CACHE_DIR: join(scratch, 'cache'),
    AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
  };
  await build({ ...common, entryPoints: ['scripts/bench-seed.ts'], outfile: join(scratch, 'seed.mjs'), format: 'esm' });
  const seed = spawnSync(process.execPath, [join(scratch, 'seed.mjs'), 'p', 'r'], { env, encoding: 'utf8' });
  if (seed.status !== 0) throw new Error(`seeding the build cache failed: ${seed.stderr}`);
  const run = spawnSync(process.execPath, ['dist/awsenv.js', 'use', 'r', '--shell', 'bash'], {
    env: { ...env, AWSENV_WRITE_CODE_CACHE: '1' },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`making the code cache failed: ${run.stderr}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
