#!/usr/bin/env node
// dist/awsenv.js: starts dist/main.cjs from V8's code cache (dist/main.cjs.cache and one per
// command, made by `npm run build` with this very Node), so a run does not compile the bundle again:
// about 4 ms of a 30 ms run (see the speed issue; Node 20 has no module compile cache).
// V8 checks the cache against the source and its own version and flags; a cache it
// rejects is ignored and the bundle compiles as usual. Nothing is written at run time.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');

const file = join(__dirname, 'main.cjs');
// One cache per command the build ran (main.cjs.list.cache, …): each holds the code its
// command compiled, so none pays for the others'. Any other command (and `use`) takes
// main.cjs.cache, made by a `use`, which holds the code all commands share.
const command = process.argv[2];
const own = command !== undefined && /^[a-z]{1,16}$/.test(command) ? `${file}.${command}.cache` : undefined;
let cachedData;
for (const cacheFile of [own, `${file}.cache`]) {
  if (cacheFile === undefined) continue;
  try {
    cachedData = readFileSync(cacheFile);
    break;
  } catch {
    // none: the next, else compile
  }
}
// Module.wrap's text, written out: requiring node:module for it costs 0.15 ms.
const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'utf8')}\n});`;
const script = new vm.Script(source, { filename: file, cachedData });
// Code compiled by vm cannot import() on its own in Node 20; the bundle's lazy imports
// (dist/lazy/*.mjs) go through this function, which resolves them next to this file.
globalThis.__awsenvImport = (specifier) => import(join(__dirname, specifier));
// Build time only: after one representative run, keep what V8 compiled, in the file named
// (a name of the two forms above, next to this file; nothing else is written).
const writeTo = process.env.AWSENV_WRITE_CODE_CACHE;
if (writeTo !== undefined && /^main\.cjs(\.[a-z]{1,16})?\.cache$/.test(writeTo)) {
  process.once('exit', () => writeFileSync(join(__dirname, writeTo), script.createCachedData()));
}
const module_ = { exports: {} };
script.runInThisContext().call(module_.exports, module_.exports, require, module_, file, __dirname);
