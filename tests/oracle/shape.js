#!/usr/bin/env node
// The Node oracle: loads one file as a CommonJS module exactly the way Node's loader runs it, and prints the
// shape of what the module exports as one line of JSON.
//
//   node tests/oracle/shape.js FILE
//
// Output: {"type": T, "name"?: N, "keys": {KEY: {"type": T, "name"?: N, "value"?: V}, ...}}
//   T is `typeof`, except "null" and "array" are told apart from "object", and "stub" marks a value that came out
//   of the stub `require` (so a re-exported dependency is recognisable and deterministic).
//   "name" is a function's own name; "value" is given for primitives (non-finite numbers and bigints as strings).
//   "keys" are the own enumerable string keys, sorted; absent for primitives.
// A module that throws while loading prints {"error": MESSAGE} and exits 1.
//
// Why not just `require(FILE)`? The fixtures require modules that are not installed (`./lib/store`,
// `debug`, ...). The oracle runs the file in Node's own wrapper, with Node's real built-ins, and answers every
// other `require` with a harmless stub that can be called, constructed, inherited from and read from.
'use strict';

const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');

const WRAPPER_PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname'];

/** Every stub handed out, so the shape can label them instead of describing a proxy. */
const stubs = new WeakSet();

/**
 * A value that tolerates whatever module code does with a dependency at load time: `require('x')()`,
 * `require('x').y.z()`, `new (require('x'))()`, `class A extends require('x')`, `util.inherits(A, require('x'))`,
 * string concatenation. Reads of a missing property give a child stub (the same one every time); properties the
 * module sets on it are kept.
 */
function makeStub(label) {
  const children = new Map();
  // A plain `function` target is both callable and constructible, and has a writable `prototype`, so the proxy
  // may answer reads of it freely.
  const target = function requireStub() {};
  const proxy = new Proxy(target, {
    get(object, property, receiver) {
      if (Object.prototype.hasOwnProperty.call(object, property) && property !== 'prototype' &&
          property !== 'name' && property !== 'length') {
        return Reflect.get(object, property, receiver);
      }
      if (property === Symbol.toPrimitive) return (hint) => (hint === 'number' ? 0 : '');
      if (property === Symbol.iterator) return function* emptyIterator() {};
      if (property === Symbol.toStringTag) return 'RequireStub';
      if (property === 'then') return undefined; // not a thenable: `await require('x')` must not hang
      if (property === 'toString' || property === 'valueOf' || property === 'toJSON') return () => '';
      if (typeof property === 'symbol') return undefined;
      if (!children.has(property)) children.set(property, makeStub(`${label}.${property}`));
      return children.get(property);
    },
    apply() {
      return makeStub(`${label}()`);
    },
    construct() {
      return makeStub(`new ${label}`);
    },
  });
  stubs.add(proxy);
  return proxy;
}

/** Node's `require` for built-ins, a cached stub for everything else (local files and npm packages alike). */
function makeRequire(filename) {
  const realRequire = Module.createRequire(filename);
  const cache = new Map();
  const stubRequire = function require(id) {
    if (typeof id === 'string' && Module.isBuiltin(id)) return realRequire(id);
    if (!cache.has(id)) cache.set(id, makeStub(`require(${JSON.stringify(id)})`));
    return cache.get(id);
  };
  stubRequire.resolve = (id) => id;
  stubRequire.resolve.paths = () => [];
  stubRequire.cache = Object.create(null);
  stubRequire.extensions = Object.create(null);
  // Not this module, so a CLI's `if (require.main === module) main()` stays asleep, as when it is required.
  stubRequire.main = { id: '.', filename: '/oracle-main.js', exports: {} };
  return stubRequire;
}

/** What Node's loader does to the file's text before compiling it. */
function sourceAsNodeCompilesIt(text) {
  let source = text;
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
  // Blank the shebang line but keep its line break, so line numbers in errors still match the file.
  if (source.startsWith('#!')) source = source.replace(/^#![^\r\n\u2028\u2029]*/, '');
  return source;
}

function typeName(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (stubs.has(value)) return 'stub';
  return typeof value;
}

function primitiveValue(value) {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
    case 'symbol':
      return String(value);
    default:
      return value; // string, boolean, undefined (dropped by JSON.stringify)
  }
}

function describe(value) {
  const type = typeName(value);
  const description = { type };
  if (type === 'function' && typeof value.name === 'string' && value.name !== '') {
    description.name = value.name;
  }
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    if (value !== undefined) description.value = primitiveValue(value);
  }
  return description;
}

function shapeOf(exported) {
  const shape = describe(exported);
  if (exported !== null && (typeof exported === 'object' || typeof exported === 'function') &&
      !stubs.has(exported)) {
    const keys = {};
    for (const key of Object.keys(exported).sort()) {
      let member;
      try {
        member = describe(exported[key]);
      } catch (error) {
        member = { type: 'throwing-getter' };
      }
      keys[key] = member;
    }
    shape.keys = keys;
  }
  return shape;
}

function load(filename) {
  const source = sourceAsNodeCompilesIt(fs.readFileSync(filename, 'utf8'));
  const wrapper = vm.compileFunction(source, WRAPPER_PARAMETERS, { filename });
  const module = { id: filename, filename, loaded: false, exports: {}, children: [], paths: [] };
  const require = makeRequire(filename);
  module.require = require;
  // Node calls the wrapper with `this === module.exports`; CoffeeScript's `.call(this)` relies on it.
  const silenced = {};
  for (const method of ['log', 'info', 'warn', 'error', 'debug']) {
    silenced[method] = console[method];
    console[method] = () => {}; // module code that logs must not corrupt the JSON on stdout
  }
  try {
    wrapper.call(module.exports, module.exports, require, module, filename, path.dirname(filename));
  } finally {
    Object.assign(console, silenced);
  }
  module.loaded = true;
  return module.exports;
}

function main() {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node tests/oracle/shape.js FILE\n');
    process.exit(2);
  }
  let output;
  let status = 0;
  try {
    output = shapeOf(load(path.resolve(file)));
  } catch (error) {
    output = { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    status = 1;
  }
  process.stdout.write(`${JSON.stringify(output)}\n`);
  // Timers or sockets a module opened while loading must not keep the oracle alive.
  process.exit(status);
}

// Run as a script it loads the file it is given; required (tests/oracle/esm_names.js) it lends its stub.
if (require.main === module) main();
else module.exports = { makeStub };
