#!/usr/bin/env node
// dist/awsenv.js: starts dist/main.cjs from V8's code cache (dist/main.cjs.cache, made by
// `npm run build` with this very Node), so a `use` does not compile the bundle again:
// about 4 ms of a 30 ms run (see the speed issue; Node 20 has no module compile cache).
// V8 checks the cache against the source and its own version and flags; a cache it
// rejects is ignored and the bundle compiles as usual. Nothing is written at run time.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');

const file = join(__dirname, 'main.cjs');
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
// Code compiled by vm cannot import() on its own in Node 20; the bundle's lazy imports
// (dist/lazy/*.mjs) go through this function, which resolves them next to this file.
globalThis.__awsenvImport = (specifier) => import(join(__dirname, specifier));
if (process.env.AWSENV_WRITE_CODE_CACHE === '1') {
  // Build time only: after one representative run, keep what V8 compiled.
  process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
}
const module_ = { exports: {} };
script.runInThisContext().call(module_.exports, module_.exports, require, module_, file, __dirname);
