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
import { basename } from 'node:path';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** The modules main.ts and its imports load lazily, by the specifier they use. */
const LAZY = {
  './cli.js': 'src/cli.ts',
  './sts-sdk.js': 'src/aws/sts-sdk.ts',
  '../aws/process.js': 'src/aws/process.ts',
};

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
        b.onResolve({ filter: /^\.\.?\/(cli|sts-sdk|aws\/process)\.js$/ }, (args) => {
          const source = LAZY[args.path];
          return source ? { path: `./lazy/${basename(source, '.ts')}.mjs`, external: true } : undefined;
        });
      },
    },
  ],
});

await build({
  ...common,
  entryPoints: Object.fromEntries(Object.values(LAZY).map((source) => [basename(source, '.ts'), source])),
  outdir: 'dist/lazy',
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS dependencies call require(); give the ESM bundles one.
  banner: { js: "import { createRequire as __awsenvRequire } from 'node:module'; const require = __awsenvRequire(import.meta.url);" },
});
chmodSync('dist/awsenv.js', 0o755);
