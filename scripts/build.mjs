// Builds the CLI into dist/:
//   dist/awsenv.js      a small loader (scripts/loader.cjs) that runs dist/main.cjs from
//                       V8's code cache, dist/main.cjs.cache (and dist/main.cjs.COMMAND.cache
//                       for the commands below), made here by representative runs.
//   dist/main.cjs       the entry, CommonJS (dist/package.json says so): the common forms of
//                       use, clear, current, list, export, doctor, complete (src/quick.ts) and
//                       exec run from this one file. CommonJS because Node loads a
//                       built-in module imported from ESM with all its lazy parts (node:fs
//                       brings fs/promises, streams and readline): several ms per `use`.
//   dist/lazy/*.mjs     everything else, ESM, loaded by import() only when needed: the full
//                       command line (yargs), the AWS SDK, credential_process (execa).
// The lazy parts carry their own copies of shared modules; errors.ts's brand keeps
// `instanceof AwsenvError` true across copies. Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  serve: 'src/core/serve.ts',
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

// The code caches, from representative runs in a scratch HOME: `use` of a role whose
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
  // main.cjs.cache from a `use` (the code every command shares: any command without a cache
  // of its own takes it); then one per command of the fast path (quick.ts) and `exec`, each
  // from a run of its own, as main.cjs.COMMAND.cache (scripts/loader.cjs picks it by name).
  const runs = [
    ['main.cjs.cache', ['use', 'r', '--shell', 'bash']],
    ['main.cjs.clear.cache', ['clear', '--shell', 'bash']],
    ['main.cjs.current.cache', ['current']],
    ['main.cjs.list.cache', ['list']],
    ['main.cjs.export.cache', ['export', 'r', '--format', 'process']],
    ['main.cjs.exec.cache', ['exec', 'p', '--', process.execPath, '-e', '0']],
    ['main.cjs.doctor.cache', ['doctor', '--offline', 'p']],
    ['main.cjs.complete.cache', ['complete', 'profiles']],
  ];
  for (const [cacheFile, argv] of runs) {
    const run = spawnSync(process.execPath, ['dist/awsenv.js', ...argv], {
      env: { ...env, AWSENV_WRITE_CODE_CACHE: cacheFile },
      encoding: 'utf8',
    });
    // doctor exits 1 when it finds a problem (the scratch files are world-readable): still a full run.
    if (run.status !== 0 && !(argv[0] === 'doctor' && run.status === 1)) throw new Error(`making the code cache (${argv.join(' ')}) failed: ${run.stderr}`);
    if (!existsSync(join('dist', cacheFile))) throw new Error(`making the code cache (${argv.join(' ')}) wrote no ${cacheFile}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
