#!/usr/bin/env node
// dist/awsenv.js: starts dist/main.cjs from V8's code cache (dist/main.cjs.cache, made by
// `npm run build` with this very Node), so a `use` does not compile the bundle again:
// about 4 ms of a 30 ms run (see the speed issue; Node 20 has no module compile cache).
// The lazy bundles that are CommonJS (dist/lazy/*.cjs: the STS SDK) are started the same
// way, each from its own cache, when the entry imports them.
// V8 checks the cache against the source and its own version and flags; a cache it
// rejects is ignored and the bundle compiles as usual. Nothing is written at run time.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');

const writeCache = process.env.AWSENV_WRITE_CODE_CACHE === '1';

/** Runs a CommonJS file from its code cache (FILE.cache) and returns its exports. */
function runCached(file) {
  const cacheFile = `${file}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // no cache: compile
  }
  // Module.wrap's text, written out: requiring node:module for it costs 0.15 ms.
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'utf8')}\n});`;
  const script = new vm.Script(source, { filename: file, cachedData });
  if (writeCache) {
    // Build time only: after one representative run, keep what V8 compiled.
    process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
  }
  const module_ = { exports: {} };
  script.runInThisContext().call(module_.exports, module_.exports, require, module_, file, __dirname);
  return module_.exports;
}

// Code compiled by vm cannot import() on its own in Node 20; the bundle's lazy imports
// (dist/lazy/*) go through this function, which resolves them next to this file.
globalThis.__awsenvImport = (specifier) =>
  specifier.endsWith('.cjs') ? Promise.resolve().then(() => runCached(join(__dirname, specifier))) : import(join(__dirname, specifier));
runCached(join(__dirname, 'main.cjs'));
