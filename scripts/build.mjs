// Builds the CLI into dist/:
//   dist/awsenv.js      the entry, CommonJS (dist/package.json says so): use, clear and
//                       current run from this one file. CommonJS because Node loads a
//                       built-in module imported from ESM with all its lazy parts (node:fs
//                       brings fs/promises, streams and readline): several ms per `use`.
//   dist/lazy/*.mjs     everything else, ESM, loaded by import() only when needed: the full
//                       command line (yargs), the AWS SDK, credential_process (execa).
// The lazy parts carry their own copies of shared modules; errors.ts's brand keeps
// `instanceof AwsenvError` true across copies. Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** The modules loaded with import() only when needed, by the name of their lazy bundle. */
const LAZY = {
  cli: 'src/cli.ts',
  'sts-sdk': 'src/aws/sts-sdk.ts',
  process: 'src/aws/process.ts',
  'core-sso': 'src/core/sso.ts',
  'aws-sso': 'src/aws/sso.ts',
  login: 'src/aws/login.ts',
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
  outfile: 'dist/awsenv.js',
  format: 'cjs',
  plugins: [
    {
      name: 'lazy',
      setup(b) {
        b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
          if (args.kind !== 'dynamic-import') return undefined;
          const name = lazyBySource.get(resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
          return name ? { path: `./lazy/${name}.mjs`, external: true } : undefined;
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
chmodSync('dist/awsenv.js', 0o755);
