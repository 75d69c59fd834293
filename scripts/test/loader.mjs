// Module hook for scripts/test/file.mjs: a test's `import … from 'uvu'` gets
// scripts/test/uvu.mjs, which wraps uvu so that each test knows it is running (and can be
// marked skipped). Everything else, uvu/assert included, resolves as usual.
const SHIM = new URL('./uvu.mjs', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === 'uvu' && context.parentURL?.includes('/build/test/')) return { url: SHIM, shortCircuit: true };
  return next(specifier, context);
}
