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
//   dist/lazy/sts-sdk.cjs  the STS client, CommonJS so that the loader starts it from a code
//                       cache of its own (made here by a `use` of a role against a local
//                       fake STS): the one lazy bundle on the path of a plain `use`.
// The lazy parts carry their own copies of shared modules; errors.ts's brand keeps
// `instanceof AwsenvError` true across copies. Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** The modules loaded with import() only when needed, by the name of their lazy bundle. */
const LAZY = {
  cli: 'src/cli.ts',
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
/** Lazy modules bundled as CommonJS and started from a code cache by the loader. */
const CACHED = { 'sts-sdk': 'src/sessions/sts-sdk.ts' };
const lazyBySource = new Map(Object.entries(LAZY).map(([name, source]) => [resolve(source), name]));
const cachedBySource = new Map(Object.entries(CACHED).map(([name, source]) => [resolve(source), name]));

/**
 * import() of a CACHED module, from the entry or from an ESM lazy bundle, becomes
 * __awsenvImport("./lazy/NAME.cjs") (the loader's, relative to dist/); `mainLazy` also maps
 * the LAZY modules, for the entry.
 */
function lazyPlugin({ mainLazy }) {
  return {
    name: 'lazy',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const source = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
        const cached = cachedBySource.get(source);
        if (cached) return { path: `./lazy/${cached}.cjs`, external: true };
        const name = mainLazy ? lazyBySource.get(source) : undefined;
        return name ? { path: `./lazy/${name}.mjs`, external: true } : undefined;
      });
      // Code run through vm (the entry) cannot import() on its own, and an ESM chunk's
      // relative import would resolve against its own folder: the loader's function does both.
      b.onEnd((result) => {
        for (const file of Object.keys(result.metafile?.outputs ?? {})) {
          if (!/\.(c|m)js$/.test(file)) continue;
          const text = readFileSync(file, 'utf8');
          if (text.includes('import("./lazy/')) writeFileSync(file, text.replaceAll('import("./lazy/', '__awsenvImport("./lazy/'));
        }
      });
    },
  };
}

/**
 * The STS client never uses the SDK's default credential chain (awsenv signs with the keys
 * it resolved, or not at all): a stub in its place keeps the chain's providers (SSO, INI,
 * IMDS, the nested clients: about 170 KB) out of the bundle and out of every cold `use`.
 */
const noDefaultChain = {
  name: 'no-default-chain',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: 'credential-provider-node', namespace: 'awsenv-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'awsenv-stub' }, () => ({
      contents: 'exports.defaultProvider = () => async () => { throw new Error("awsenv: no default credential chain; this request should have been given its credentials"); };',
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  define: { AWSENV_VERSION: JSON.stringify(version) },
  logLevel: 'warning',
};

// src/files/scan.wat → src/files/scan-wasm.ts: the scan's WebAssembly, as bytes in the
// bundle (no file to read at run time). The generated file is committed, so that type
// checking and the compiled tests need no build; it is rewritten only when it changes.
{
  const wabt = await (await import('wabt')).default();
  const module = wabt.parseWat('scan.wat', readFileSync('src/files/scan.wat', 'utf8'));
  module.validate();
  const { buffer } = module.toBinary({});
  module.destroy();
  const text =
    '// Generated by scripts/build.mjs from scan.wat (wabt); do not edit.\n' +
    `export const SCAN_WASM = '${Buffer.from(buffer).toString('base64')}';\n`;
  const target = 'src/files/scan-wasm.ts';
  if (!existsSync(target) || readFileSync(target, 'utf8') !== text) writeFileSync(target, text);
}

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
  metafile: true,
  plugins: [lazyPlugin({ mainLazy: true })],
});

await build({
  ...common,
  entryPoints: LAZY,
  outdir: 'dist/lazy',
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  plugins: [lazyPlugin({ mainLazy: false })],
  // Bundled CommonJS dependencies call require(); give the ESM bundles one.
  banner: { js: "import { createRequire as __awsenvRequire } from 'node:module'; const require = __awsenvRequire(import.meta.url);" },
});
await build({
  ...common,
  entryPoints: CACHED,
  outdir: 'dist/lazy',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [noDefaultChain],
});
copyFileSync('scripts/loader.cjs', 'dist/awsenv.js');
chmodSync('dist/awsenv.js', 0o755);

// The code caches, from representative runs in a scratch HOME: `use` of a role whose
// source is an MFA profile, both sessions cached (seeded by scripts/bench-seed.ts with an
// STS that answers in-process), so the cache holds the session code as well as the
// static-key code it shares.
const scratch = mkdtempSync(join(tmpdir(), 'awsenv-build-'));
try {
  writeFileSync(
    join(scratch, 'credentials'),
    '[p]\naws_access_key_id = AKIABUILDCACHE000001\naws_secret_access_key = build\n' +
      '[s]\naws_access_key_id = AKIABUILDCACHE000002\naws_secret_access_key = build\n',
  );
  writeFileSync(
    join(scratch, 'config'),
    '[profile p]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/build\n' +
      '[profile r]\nrole_arn = arn:aws:iam::123456789012:role/build\nsource_profile = p\nregion = eu-west-1\n' +
      '[profile cold]\nrole_arn = arn:aws:iam::123456789012:role/build\nsource_profile = s\nregion = eu-west-1\n',
  );
  const env = {
    PATH: process.env.PATH,
    HOME: scratch,
    AWS_CONFIG_FILE: join(scratch, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'credentials'),
    AWSENV_CACHE_DIR: join(scratch, 'cache'),
    AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
  };
  // The STS client's cache: a `use` of a role with an empty session cache, its AssumeRole
  // answered by a fake STS here (the run is async so that this process can answer it).
  const sts = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const expiration = new Date(Date.now() + 3600_000).toISOString();
      res.writeHead(200, { 'content-type': 'text/xml', date: new Date().toUTCString() });
      res.end(
        '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>' +
          `<AccessKeyId>ASIABUILDCACHE000001</AccessKeyId><SecretAccessKey>build</SecretAccessKey><SessionToken>build</SessionToken><Expiration>${expiration}</Expiration>` +
          '</Credentials><AssumedRoleUser><AssumedRoleId>AROABUILD:build</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/build/build</Arn></AssumedRoleUser>' +
          '</AssumeRoleResult><ResponseMetadata><RequestId>build</RequestId></ResponseMetadata></AssumeRoleResponse>',
      );
    });
  });
  await new Promise((done) => sts.listen(0, '127.0.0.1', done));
  try {
    const cold = await new Promise((done) => {
      const child = spawn(process.execPath, ['dist/awsenv.js', 'use', 'cold', '--shell', 'bash'], {
        env: { ...env, AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${sts.address().port}`, AWSENV_CACHE_DIR: join(scratch, 'cold-cache'), AWSENV_WRITE_CODE_CACHE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => done({ code, out }));
    });
    if (cold.code !== 0 || !cold.out.includes('ASIABUILDCACHE000001')) throw new Error(`making the STS code cache failed: ${cold.out}`);
  } finally {
    sts.close();
  }
  if (!existsSync('dist/lazy/sts-sdk.cjs.cache')) throw new Error('the cold run made no STS code cache');
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
