// uvu as the tests see it under `npm test`: the same suite() and test(), but each test's
// handler records that it is running in globalThis.__awsenvTests, so test/helpers/tools.ts
// can mark it skipped when a shell or tool it needs is missing. uvu counts such a test as
// passed; scripts/test/file.mjs moves it to "skipped".
import * as uvu from '../../node_modules/uvu/dist/index.mjs';

/** @type {{ current?: { name: string, skipped: string[] }, skipped: { name: string, reasons: string[] }[] }} */
const state = (globalThis.__awsenvTests ??= { current: undefined, skipped: [] });

function tracked(name, handler) {
  return async (...args) => {
    const me = { name, skipped: [] };
    state.current = me;
    try {
      await handler(...args);
    } finally {
      state.current = undefined;
    }
    // Only a test that went on to pass counts as skipped; a failure stays a failure.
    if (me.skipped.length) state.skipped.push({ name, reasons: me.skipped });
  };
}

function wrap(t) {
  const wrapped = (name, handler) => t(name, tracked(name, handler));
  Object.assign(wrapped, t);
  wrapped.only = (name, handler) => t.only(name, tracked(name, handler));
  return wrapped;
}

export const suite = (...args) => wrap(uvu.suite(...args));
export const test = wrap(uvu.test);
export const exec = uvu.exec;
