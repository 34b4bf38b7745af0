#!/usr/bin/env node
// The ES-module oracle: what an `import` of a CommonJS file can name. For each file given, Node itself runs
// `await import(pathToFileURL(copy))` on a copy of it and lists the keys of the module namespace it gets: the
// names Node's cjs-module-lexer finds in the source (the names `import { x } from` can take), plus `default`.
//
//   node tests/oracle/esm_names.js FILE...
//
// Output: one line of JSON, an array with one entry per FILE, in order: {"names": [NAME, ...]} (sorted), or
// {"error": MESSAGE} when the import rejects.
//
// Each file is copied, under its own name, into a fresh directory of a temporary package whose package.json says
// `"type": "commonjs"`, so Node never takes a `.js` file for an ES module by its package or by syntax detection.
// The copies are imported in separate directories, so two files with the same name do not share a cache entry.
// As in shape.js, `require` of anything but a Node built-in gives a harmless stub instead of failing: the
// fixtures require modules that are not installed. (The names do not depend on that; the import only has to
// succeed for the namespace to exist.)
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const Module = require('module');
const { pathToFileURL } = require('url');

const { makeStub } = require('./shape.js');

// `import()` of a CommonJS file runs it through the CommonJS loader, and the module's own `require` calls
// `Module._load` with the module as parent: answer those with stubs, and let everything else through (the
// imported file itself, which has no parent, and built-ins).
const originalLoad = Module._load;
const stubCache = new Map();
Module._load = function load(request, parent, isMain) {
  if (parent && typeof request === 'string' && !Module.isBuiltin(request)) {
    if (!stubCache.has(request)) stubCache.set(request, makeStub(request));
    return stubCache.get(request);
  }
  return originalLoad.call(this, request, parent, isMain);
};

async function namesOf(copy) {
  try {
    const namespace = await import(pathToFileURL(copy).href);
    return { names: Object.keys(namespace).sort() };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('usage: node tests/oracle/esm_names.js FILE...\n');
    process.exit(2);
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'exportfix-esm-'));
  const results = [];
  const silenced = {};
  for (const method of ['log', 'info', 'warn', 'error', 'debug']) {
    silenced[method] = console[method];
    console[method] = () => {}; // module code that logs must not corrupt the JSON on stdout
  }
  try {
    fs.writeFileSync(path.join(root, 'package.json'), '{"type":"commonjs"}\n');
    for (const [index, file] of files.entries()) {
      const dir = path.join(root, String(index));
      fs.mkdirSync(dir);
      const copy = path.join(dir, path.basename(file));
      fs.copyFileSync(file, copy);
      results.push(await namesOf(copy));
    }
  } finally {
    Object.assign(console, silenced);
    fs.rmSync(root, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
  // Timers or sockets a module opened while loading must not keep the oracle alive.
  process.exit(0);
}

main();
