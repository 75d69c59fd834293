// Bundles the CLI into dist/awsenv.js (one file: Node starts it without resolving a
// module tree, see issue "Speed"). Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/awsenv.js',
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
