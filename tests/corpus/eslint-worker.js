#!/usr/bin/env node
// One worker of the ESLint differential (run by tests/corpus/check.js): lints the files listed in LIST (one
// absolute path a line) with only `n/no-exports-assign` and `n/exports-style`, and writes the findings as JSON.
//
//   node tests/corpus/eslint-worker.js TOOLS_NODE_MODULES ROOT LIST OUT.json   (ROOT: the directory holding the files)
//
// It uses ESLint's own `Linter` with a flat config given in code: the same parser (espree), scope analysis and
// rule code as `eslint --format json`, without the CLI's file discovery, whose default `**/node_modules/` ignore
// would hide the whole corpus. Files are parsed as CommonJS scripts (`sourceType: "commonjs"`: Node's wrapper
// scope, top-level return); ES-module files come back as fatal parse errors and are set aside by the caller.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const [toolsNodeModules, root, listFile, outFile] = process.argv.slice(2);
const toolsRequire = createRequire(path.join(path.resolve(toolsNodeModules), '..', 'package.json'));
const { Linter } = toolsRequire('eslint');
const pluginN = toolsRequire('eslint-plugin-n');

const config = [
  // ESLint 9 ignores `**/node_modules/` by default, and the corpus is nothing but node_modules: un-ignore it.
  { ignores: ['!**/node_modules/'] },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'commonjs' },
    linterOptions: { reportUnusedDisableDirectives: 'off', noInlineConfig: true },
    plugins: { n: pluginN },
    rules: {
      'n/no-exports-assign': 'error',
      'n/exports-style': ['error', 'module.exports'],
    },
  },
];

const linter = new Linter({ configType: 'flat', cwd: path.resolve(root) });
const results = [];
for (const file of fs.readFileSync(listFile, 'utf8').split('\n').filter(Boolean)) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    results.push({ file, fatal: `unreadable: ${error.message}` });
    continue;
  }
  let messages;
  try {
    messages = linter.verify(text, config, { filename: file });
  } catch (error) {
    results.push({ file, fatal: `ESLint crashed: ${error.message}` });
    continue;
  }
  // A file no config entry matches comes back with one rule-less warning: that must never pass silently.
  const fatal = messages.find((message) => message.fatal || (message.ruleId === null && message.line === 0));
  if (fatal) {
    results.push({ file, fatal: fatal.message, line: fatal.line, column: fatal.column });
    continue;
  }
  const findings = messages
    .filter((message) => message.ruleId)
    .map((message) => ({ rule: message.ruleId, line: message.line, column: message.column, message: message.message }));
  if (findings.length > 0) results.push({ file, findings });
}
fs.writeFileSync(outFile, JSON.stringify(results));
