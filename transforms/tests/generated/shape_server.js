#!/usr/bin/env node
// The fuzz test's Node oracle, as a server: reads one request per line on stdin (see below), loads
// it as Node's CommonJS loader would (BOM and `#!` line stripped, the wrapper's five parameters, `this` is
// `module.exports`), and writes one line of JSON per input: the exported shape, or the error it threw.
//
// Unlike tests/oracle/shape.js it stays up for thousands of modules, runs each in a fresh context with a time
// limit (generated loops are bounded, but a generated function may call itself), and keeps `require` and the
// globals deterministic: `require(id)` answers one stub per id (see makeStub), and nothing reads the
// clock or randomness.
'use strict';

const readline = require('readline');
const vm = require('vm');

const WRAPPER = '(function (exports, require, module, __filename, __dirname) {';

function sourceAsNodeCompilesIt(text) {
  let source = text;
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
  if (source.startsWith('#!')) source = source.replace(/^#![^\r\n\u2028\u2029]*/, '');
  return source;
}

function typeName(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * A value as the fuzz test compares it: its type, a function's name and length, a primitive's value; for a member
 * of the exports (`member`), also an object's or function's own enumerable keys (`own`, sorted; a repair may add
 * keys to the exports and so to a member that is the exports object too, which the test allows).
 */
function describe(value, member) {
  const type = typeName(value);
  const description = { type };
  if (type === 'function') {
    if (value.name) description.name = String(value.name);
    description.length = typeof value.length === 'number' ? value.length : String(typeof value.length);
  }
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    if (value !== undefined) description.value = typeof value === 'number' && !Number.isFinite(value) ? String(value) : typeof value === 'bigint' || typeof value === 'symbol' ? String(value) : value;
  } else if (member) {
    try {
      description.own = Object.keys(value).sort();
    } catch (error) {
      description.own = 'throws';
    }
  }
  return description;
}

/**
 * The exported value's description, with `extensible: false` for an object or function that takes no new keys
 * (frozen, sealed, non-extensible) and, under `keys`, each own enumerable member's (an accessor's with
 * `accessor: "get"`, `"set"` or `"get/set"`, and the value its getter gives; `exports-itself` for the exports).
 */
function shapeOf(exported) {
  const shape = describe(exported);
  if (exported !== null && (typeof exported === 'object' || typeof exported === 'function')) {
    if (!Object.isExtensible(exported)) shape.extensible = false;
    const keys = {};
    for (const key of Object.keys(exported).sort()) {
      let member;
      try {
        const value = exported[key];
        // The export itself (a getter returning `this`, `module.exports.self = module.exports`) is still the export
        // itself when a repair changes what the export is.
        member = value === exported ? { type: 'exports-itself' } : describe(value, true);
      } catch (error) {
        member = { type: 'throwing-getter' };
      }
      const property = Object.getOwnPropertyDescriptor(exported, key);
      if (property && (property.get || property.set)) {
        member.accessor = [property.get && 'get', property.set && 'set'].filter(Boolean).join('/');
      }
      keys[key] = member;
    }
    shape.keys = keys;
  }
  return shape;
}

/** What `require` answers: a function (callable, constructible) whose missing properties are child stubs. */
function makeStub() {
  const children = new Map();
  return new Proxy(function requireStub() {}, {
    get(target, property, receiver) {
      if (Object.prototype.hasOwnProperty.call(target, property)) return Reflect.get(target, property, receiver);
      if (typeof property === 'symbol' || property === 'then') return undefined;
      if (property === 'toString' || property === 'valueOf' || property === 'toJSON') return () => '';
      if (!children.has(property)) children.set(property, makeStub());
      return children.get(property);
    },
    apply() {
      return makeStub();
    },
    construct() {
      return makeStub();
    },
  });
}

function load(text) {
  const source = sourceAsNodeCompilesIt(text);
  // A line break before the closing brace: the source may end in a line comment.
  const script = new vm.Script(`${WRAPPER}${source}\n})`, { filename: '/fuzz/module.js' });
  const sandbox = { console: { log() {}, info() {}, warn() {}, error() {}, debug() {} } };
  const context = vm.createContext(sandbox);
  const wrapper = script.runInContext(context, { timeout: 1000 });
  const module = { id: '/fuzz/module.js', filename: '/fuzz/module.js', loaded: false, exports: {}, children: [], paths: [] };
  const cache = new Map();
  const require = function require(id) {
    if (!cache.has(id)) cache.set(id, makeStub());
    return cache.get(id);
  };
  module.require = require;
  // The wrapper runs in the new context; time-limit its call through a second script.
  context.__call = () => wrapper.call(module.exports, module.exports, require, module, '/fuzz/module.js', '/fuzz');
  vm.runInContext('__call()', context, { timeout: 1000 });
  return module.exports;
}

const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
// Each line is `["shape", SOURCE]` (load it, answer its exported shape) or `["parse", SOURCE]` (only compile it in
// the wrapper, answer `{"ok":true}`).
input.on('line', (line) => {
  let output;
  try {
    const [mode, text] = JSON.parse(line);
    if (mode === 'parse') {
      new vm.Script(`${WRAPPER}${sourceAsNodeCompilesIt(text)}\n})`, { filename: '/fuzz/module.js' });
      output = { ok: true };
    } else {
      output = shapeOf(load(text));
    }
  } catch (error) {
    const name = error && typeof error === 'object' && typeof error.name === 'string' ? error.name : typeof error;
    output = { error: name, message: String(error && error.message) };
  }
  let text;
  try {
    text = JSON.stringify(output);
  } catch (error) {
    text = JSON.stringify({ error: 'unserialisable' });
  }
  process.stdout.write(`${text}\n`);
});
