// Bundles the CLI into dist/awsenv.js (Node starts it without resolving a module tree). Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { awsenv: 'src/main.ts' },
  outdir: 'dist',
  // Rarely needed parts (the AWS SDK, execa) are imported dynamically and land in chunks
  // of their own, so a cached `awsenv use` never parses them.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  define: { AWSENV_VERSION: JSON.stringify(version) },
  // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __awsenvRequire } from 'node:module'; const require = __awsenvRequire(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync('dist/awsenv.js', 0o755);
