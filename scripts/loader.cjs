#!/usr/bin/env node
// dist/awsenv.js: starts dist/main.cjs from V8's code cache (dist/main.cjs.cache and one per
// command, made by `npm run build` with this very Node), so a run does not compile the bundle again:
// about 4 ms of a 30 ms run (see the speed issue; Node 20 has no module compile cache).
// The lazy bundles that are CommonJS (dist/lazy/*.cjs: the STS SDK) are started the same
// way, each from its own cache, when the entry imports them.
// V8 checks the cache against the source and its own version and flags; a cache it
// rejects is ignored and the bundle compiles as usual. Nothing is written at run time.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');

// Build time only: '1' keeps each file's cache as FILE.cache; a name of the form
// main.cjs.COMMAND.cache keeps the entry's under that name (next to this file; nothing else).
const writeCache = process.env.AWSENV_WRITE_CODE_CACHE;

/**
 * Runs a CommonJS file from its code cache and returns its exports: `own` if there is one,
 * else FILE.cache.
 */
function runCached(file, own) {
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
  const writeTo =
    writeCache === '1' ? `${file}.cache` : file === entry && /^main\.cjs(\.[a-z]{1,16})?\.cache$/.test(writeCache ?? '') ? join(__dirname, writeCache) : undefined;
  // After one representative run, keep what V8 compiled.
  if (writeTo !== undefined) process.once('exit', () => writeFileSync(writeTo, script.createCachedData()));
  const module_ = { exports: {} };
  script.runInThisContext().call(module_.exports, module_.exports, require, module_, file, __dirname);
  return module_.exports;
}

// Code compiled by vm cannot import() on its own in Node 20; the bundle's lazy imports
// (dist/lazy/*) go through this function, which resolves them next to this file.
globalThis.__awsenvImport = (specifier) =>
  specifier.endsWith('.cjs') ? Promise.resolve().then(() => runCached(join(__dirname, specifier))) : import(join(__dirname, specifier));
// One cache per command the build ran (main.cjs.list.cache, …): each holds the code its
// command compiled, so none pays for the others'. Any other command (and `use`) takes
// main.cjs.cache, made by a `use`, which holds the code all commands share.
const entry = join(__dirname, 'main.cjs');
const command = process.argv[2];
runCached(entry, command !== undefined && /^[a-z]{1,16}$/.test(command) ? `${entry}.${command}.cache` : undefined);
