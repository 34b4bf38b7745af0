#!/usr/bin/env node
// The corpus check (issue 3, items 2 and 3), run by scripts/corpus-check.sh: exportfix on ~23,000 real files it
// was never written against, every result cross-checked by something independent of the engine.
//
//   node tests/corpus/check.js --bin EXPORTFIX --corpus NODE_MODULES --tools TOOLS_NODE_MODULES --work DIR
//                              [--doc docs/corpus.md] [--no-eslint] [--jobs N]
//
// On a copy of the corpus (DIR/node_modules; exportfix runs with DIR as its working directory, so every path below
// is `node_modules/...`):
//   1. `check --format json`: exit code <= 2, no "internal error"/panic; every error is a syntax error that
//      `node --check` confirms (a file Node accepts and exportfix rejects fails the check);
//   2. every finding sits on an `exports`/`module` identifier that an independent scope analysis (acorn +
//      eslint-scope, the file wrapped in Node's CommonJS function) resolves to the wrapper's own parameter, never
//      to a local binding or a bundle's parameter;
//   3. `fix`: changes exactly the files `check` previewed; each passes `node --check`; the exports/module
//      identifiers bound to local declarations are the same before and after (nothing shadowed was rewritten);
//      the Node oracle (tests/oracle/shape.js) shows the same exported shape for behaviour-preserving fixes, and
//      for repairs (exports-reassign, lost-export) a non-empty shape that keeps every key exported before;
//   4. a second `fix` changes nothing;
//   5. ESLint differential: `n/no-exports-assign` and `n/exports-style` (eslint-plugin-n) over the same .js/.cjs
//      files, run on the pristine copy; every disagreement on reassignments, in either direction, must be listed
//      in tests/corpus/disagreements.md with its reason, and every listed one must still occur.
// The figures are printed and written to --doc. Exit 0 when every assertion holds, 1 otherwise.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { createRequire } = require('module');

const REPO = path.resolve(__dirname, '..', '..');
const ORACLE = path.join(REPO, 'tests', 'oracle', 'shape.js');
const WORKER = path.join(__dirname, 'eslint-worker.js');
const DISAGREEMENTS = path.join(__dirname, 'disagreements.md');
const KNOWN_ISSUES = path.join(__dirname, 'known-issues.md');
const WRAPPER_PREFIX = '(function (exports, require, module, __filename, __dirname) {\n';
const REPAIRS = new Set(['exports-reassign', 'lost-export']);
const LOADABLE = /\.(js|cjs)$/;

// ---------------------------------------------------------------------------------------------------------------
// Arguments and bookkeeping

function parseArguments(argv) {
  const options = { doc: null, eslint: true, jobs: Math.max(1, os.cpus().length) };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${name} needs a value`);
      return argv[++i];
    };
    if (name === '--bin') options.bin = path.resolve(value());
    else if (name === '--corpus') options.corpus = path.resolve(value());
    else if (name === '--tools') options.tools = path.resolve(value());
    else if (name === '--work') options.work = path.resolve(value());
    else if (name === '--doc') options.doc = path.resolve(value());
    else if (name === '--jobs') options.jobs = Number(value());
    else if (name === '--no-eslint') options.eslint = false;
    else throw new Error(`unknown argument ${name}`);
  }
  for (const required of ['bin', 'corpus', 'tools', 'work']) {
    if (!options[required]) throw new Error(`--${required} is required`);
  }
  return options;
}

const failures = [];
const knownSeen = new Set();
let known = new Map();
/** A failed assertion; `file` + `kind` name it in tests/corpus/known-issues.md when it is a known engine bug. */
function fail(message, file = null, kind = null) {
  const key = `${file}:${kind}`;
  if (file && known.has(key)) {
    knownSeen.add(key);
    return;
  }
  failures.push(message);
}

/** Known engine bugs (`| file | kind | problem |` rows): reported, not failing, until they stop occurring. */
function readKnownIssues() {
  const issues = new Map();
  if (!fs.existsSync(KNOWN_ISSUES)) return issues;
  for (const row of fs.readFileSync(KNOWN_ISSUES, 'utf8').split('\n')) {
    const cells = row.split('|').map((cell) => cell.trim());
    if (cells.length < 5 || !/^`?node_modules\//.test(cells[1])) continue;
    issues.set(`${cells[1].replace(/`/g, '')}:${cells[2].replace(/`/g, '')}`, cells[3]);
  }
  return issues;
}

// A stale row in the checked-in tables (the engine changed under them) is a warning, not a failure: an engine fix
// made elsewhere must not turn CI red here. It is printed with the result and recorded in docs/corpus.md.
const warnings = [];
function warn(message) {
  warnings.push(message);
}

function log(message) {
  process.stderr.write(`corpus-check: ${message}\n`);
}

function seconds(since) {
  return Math.round((Date.now() - since) / 100) / 10;
}

/** Node with a cleared environment (as the fixture tests run the oracle), from the working copy. */
function runNode(args, cwd) {
  return spawnSync(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH || '' },
    encoding: 'utf8',
    timeout: 30000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

function nodeAccepts(file, cwd) {
  const result = runNode(['--check', file], cwd);
  return { ok: result.status === 0, message: (result.stderr || '').trim().split('\n').slice(0, 5).join(' | ') };
}

// Every file analysed and every syntax error reported, as before issue 13 made the defaults skip both: this check
// is about the engine's answers on every file, not about the speed of a default run.
const EVERY_FILE = ['--max-file-size', '0', '--check-syntax'];

function runExportfix(options, args) {
  const started = Date.now();
  args = [args[0], ...EVERY_FILE, ...args.slice(1)];
  const result = spawnSync(options.bin, args, {
    cwd: options.work,
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  const label = `exportfix ${args.join(' ')}`;
  if (result.signal || result.status === null || result.status > 2) {
    fail(`${label}: crashed (exit ${result.status}, signal ${result.signal}): ${result.stderr.slice(0, 2000)}`);
  }
  if (/internal error|panicked/i.test(result.stderr)) {
    fail(`${label}: internal error on stderr: ${result.stderr.match(/.*(internal error|panicked).*/i)[0]}`);
  }
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch (error) {
    fail(`${label}: stdout is not one JSON object (${error.message})`);
    report = { files: [], errors: [], summary: {} };
  }
  return { report, status: result.status, seconds: seconds(started) };
}

// ---------------------------------------------------------------------------------------------------------------
// The corpus's files

/** Every .js/.cjs file ESLint and the scope check read: no hidden path component, no symlink. */
function listFiles(root) {
  const files = [];
  const walk = (directory) => {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && /\.(js|cjs)$/.test(entry.name)) files.push(full);
    }
  };
  walk(root);
  return files.sort();
}

/** Whether Node loads this file as an ES module by its nearest package.json (`"type": "module"`, .js only). */
function makeTypeModuleTest() {
  const cache = new Map();
  const typeOf = (directory) => {
    if (cache.has(directory)) return cache.get(directory);
    let type = null;
    const manifest = path.join(directory, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        type = JSON.parse(fs.readFileSync(manifest, 'utf8')).type === 'module' ? 'module' : 'commonjs';
      } catch {
        type = 'commonjs';
      }
    } else {
      const parent = path.dirname(directory);
      type = parent === directory ? 'commonjs' : typeOf(parent);
    }
    cache.set(directory, type);
    return type;
  };
  return (file) => file.endsWith('.js') && typeOf(path.dirname(file)) === 'module';
}

// ---------------------------------------------------------------------------------------------------------------
// Independent scope analysis: acorn + eslint-scope over the file wrapped in Node's CommonJS function

function makeScopeAnalysis(toolsNodeModules) {
  const toolsRequire = createRequire(path.join(toolsNodeModules, '..', 'package.json'));
  const acorn = toolsRequire('acorn');
  const eslintScope = toolsRequire('eslint-scope');

  /** The `exports`/`module` references of a file: where each is and what it resolves to. */
  return function analyse(text) {
    let source = text;
    if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
    if (source.startsWith('#!')) source = source.replace(/^#![^\r\n\u2028\u2029]*/, '');
    const wrapped = `${WRAPPER_PREFIX}${source}\n})`;
    const ast = acorn.parse(wrapped, { ecmaVersion: 'latest', sourceType: 'script', locations: true, ranges: true });
    const manager = eslintScope.analyze(ast, { ecmaVersion: 2022, sourceType: 'script', ignoreEval: true });
    const wrapperScope = manager.acquire(ast.body[0].expression);
    const own = new Set(wrapperScope.variables.filter((v) => v.name === 'exports' || v.name === 'module'));
    const references = [];
    for (const scope of manager.scopes) {
      for (const reference of scope.references) {
        const name = reference.identifier.name;
        if (name !== 'exports' && name !== 'module') continue;
        const { line, column } = reference.identifier.loc.start;
        references.push({
          name,
          line: line - 1, // the wrapper's own first line
          utf16Column: column,
          free: own.has(reference.resolved),
          binding: reference.resolved ? `${reference.resolved.defs.map((d) => d.type).join('+')}` : 'global',
        });
      }
    }
    references.sort((a, b) => a.line - b.line || a.utf16Column - b.utf16Column);
    return { references, lines: source.split(/\r\n|[\n\r\u2028\u2029]/) };
  };
}

/** exportfix's 1-based column counts Unicode characters; acorn's 0-based one counts UTF-16 units. */
function utf16Column(lineText, column) {
  return [...lineText].slice(0, column - 1).join('').length;
}

// ---------------------------------------------------------------------------------------------------------------
// The Node oracle

function oracleShape(file, cwd) {
  const result = runNode([ORACLE, file], cwd);
  try {
    return JSON.parse(result.stdout.trim());
  } catch {
    return { error: `the oracle printed no JSON (exit ${result.status}, signal ${result.signal})` };
  }
}

function isEmptyShape(shape) {
  return shape.type === 'object' && Object.keys(shape.keys || {}).length === 0;
}

// ---------------------------------------------------------------------------------------------------------------
// ESLint

function runEslint(options, files) {
  const started = Date.now();
  const jobs = Math.max(1, Math.min(options.jobs, files.length));
  const chunks = Array.from({ length: jobs }, () => []);
  files.forEach((file, index) => chunks[index % jobs].push(file));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'exportfix-eslint-'));
  const runs = chunks.map((chunk, index) => {
    const list = path.join(scratch, `list-${index}.txt`);
    const out = path.join(scratch, `out-${index}.json`);
    fs.writeFileSync(list, `${chunk.join('\n')}\n`);
    return new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        ['--max-old-space-size=6144', '--stack-size=8000', WORKER, options.tools, options.work, list, out],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      );
      child.on('exit', (code, signal) => {
        if (code !== 0) {
          fail(`ESLint worker ${index} failed (exit ${code}, signal ${signal})`);
          resolve([]);
        } else {
          resolve(JSON.parse(fs.readFileSync(out, 'utf8')));
        }
      });
    });
  });
  return Promise.all(runs).then((parts) => {
    fs.rmSync(scratch, { recursive: true, force: true });
    return { results: parts.flat(), seconds: seconds(started) };
  });
}

/** The checked-in table: `| file | line | flagged by | why |` rows. */
function readDisagreements() {
  const listed = new Map();
  if (!fs.existsSync(DISAGREEMENTS)) return listed;
  for (const row of fs.readFileSync(DISAGREEMENTS, 'utf8').split('\n')) {
    const cells = row.split('|').map((cell) => cell.trim());
    if (cells.length < 6 || !/^`?node_modules\//.test(cells[1])) continue;
    const file = cells[1].replace(/`/g, '');
    const key = `${file}:${Number(cells[2])}:${cells[3]}`;
    listed.set(key, cells[4]);
  }
  return listed;
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const options = parseArguments(process.argv.slice(2));
  known = readKnownIssues();
  const started = Date.now();
  const figures = { timings: {} };
  const relative = (file) => path.relative(options.work, file).split(path.sep).join('/');

  // The copy.
  let phase = Date.now();
  fs.rmSync(options.work, { recursive: true, force: true });
  fs.mkdirSync(options.work, { recursive: true });
  const copy = spawnSync('cp', ['-R', options.corpus, path.join(options.work, 'node_modules')], { encoding: 'utf8' });
  if (copy.status !== 0) throw new Error(`cannot copy the corpus: ${copy.stderr}`);
  const root = path.join(options.work, 'node_modules');
  const files = listFiles(root);
  const isTypeModule = makeTypeModuleTest();
  figures.jsFiles = files.length;
  figures.timings.copy = seconds(phase);
  log(`copied the corpus to ${options.work} (${files.length} .js/.cjs files) in ${figures.timings.copy}s`);

  // ESLint first, on the pristine copy (in parallel workers).
  const eslintFiles = files.filter((file) => !isTypeModule(file));
  const eslintRun = options.eslint ? runEslint(options, eslintFiles) : null;
  if (eslintRun) await eslintRun.then((run) => log(`ESLint: ${eslintFiles.length} files in ${run.seconds}s`));

  // 1. check.
  const check = runExportfix(options, ['check', '--no-ignore', '--format', 'json', 'node_modules']);
  figures.check = check;
  log(`exportfix check: exit ${check.status}, ${check.report.summary.files_scanned} files in ${check.seconds}s`);
  const styleCheck = options.eslint
    ? runExportfix(options, ['check', '--no-ignore', '--style', 'module-exports', '--format', 'json', 'node_modules'])
    : null;

  // 1b. errors: each must be a syntax error Node agrees with.
  figures.errors = [];
  for (const error of check.report.errors) {
    if (/internal error|panicked/i.test(error.message)) fail(`${error.path}: ${error.message}`);
    const node = nodeAccepts(path.join(options.work, error.path), options.work);
    figures.errors.push({ ...error, node: node.ok ? 'accepts' : 'rejects' });
    if (node.ok) fail(`${error.path}:${error.line}:${error.column}: exportfix: ${error.message}, but node --check accepts it`);
    else if (!/^syntax error/.test(error.message)) fail(`${error.path}: not a syntax error: ${error.message}`);
  }
  if (check.report.errors.length > 0 && check.status !== 2) fail(`check reported errors but exited ${check.status}`);

  // 2. every finding is on a free exports/module.
  phase = Date.now();
  const analyse = makeScopeAnalysis(options.tools);
  const analyses = new Map();
  const analysisOf = (file) => {
    if (!analyses.has(file)) analyses.set(file, analyse(fs.readFileSync(path.join(options.work, file), 'utf8')));
    return analyses.get(file);
  };
  figures.findings = {};
  figures.scopeChecked = 0;
  figures.scopeSkipped = [];
  for (const entry of check.report.files) {
    for (const finding of entry.findings) {
      figures.findings[finding.rule] = figures.findings[finding.rule] || { total: 0, safe: 0, unsafe: 0, none: 0 };
      figures.findings[finding.rule].total += 1;
      figures.findings[finding.rule][finding.fix] += 1;
      if (!LOADABLE.test(entry.path)) {
        figures.scopeSkipped.push(`${entry.path} (not JavaScript that acorn parses)`);
        continue;
      }
      let analysis;
      try {
        analysis = analysisOf(entry.path);
      } catch (error) {
        fail(`${entry.path}: the independent scope analysis cannot parse it (${error.message})`);
        continue;
      }
      const column = utf16Column(analysis.lines[finding.line - 1] || '', finding.column);
      const at = analysis.references.find((r) => r.line === finding.line && r.utf16Column === column);
      const where = `${entry.path}:${finding.line}:${finding.column} ${finding.rule}`;
      if (!at) fail(`${where}: no \`exports\`/\`module\` identifier at the reported position`, entry.path, 'scope');
      else if (!at.free) fail(`${where}: \`${at.name}\` there is a local binding (${at.binding}), not Node's`, entry.path, 'scope');
      else figures.scopeChecked += 1;
    }
  }
  figures.timings.scope = seconds(phase);

  // 3. fix, with the oracle before and after.
  const previewed = check.report.files.filter((entry) => entry.diff !== null).map((entry) => entry.path);
  const before = new Map();
  phase = Date.now();
  for (const file of previewed) {
    const full = path.join(options.work, file);
    const text = fs.readFileSync(full, 'utf8');
    let bound = null;
    if (LOADABLE.test(file)) {
      try {
        bound = analyse(text).references.filter((r) => !r.free).map((r) => `${r.name}:${r.binding}`);
      } catch (error) {
        fail(`${file}: the independent scope analysis cannot parse it before the fix (${error.message})`);
      }
    }
    before.set(file, { text, bound, shape: LOADABLE.test(file) ? oracleShape(full, options.work) : null });
  }
  const fix = runExportfix(options, ['fix', '--no-ignore', '--format', 'json', 'node_modules']);
  figures.fix = fix;
  log(`exportfix fix: exit ${fix.status}, ${fix.report.summary.files_changed} files changed in ${fix.seconds}s`);
  const changed = fix.report.files.filter((entry) => entry.diff !== null);
  const changedPaths = changed.map((entry) => entry.path).sort();
  if (JSON.stringify(changedPaths) !== JSON.stringify([...previewed].sort())) {
    fail(`fix changed ${changedPaths.length} files, check previewed ${previewed.length}: not the same set`);
  }
  figures.repairs = 0;
  figures.preserving = 0;
  figures.notLoadable = [];
  for (const entry of changed) {
    const full = path.join(options.work, entry.path);
    const old = before.get(entry.path);
    if (!old) continue;
    const text = fs.readFileSync(full, 'utf8');
    if (text === old.text) fail(`${entry.path}: fix reported a diff but the file is unchanged`);
    const node = nodeAccepts(full, options.work);
    if (!node.ok && LOADABLE.test(entry.path)) fail(`${entry.path}: node --check rejects the fixed file: ${node.message}`, entry.path, 'node-check');
    if (old.bound) {
      try {
        const bound = analyse(text).references.filter((r) => !r.free).map((r) => `${r.name}:${r.binding}`);
        if (JSON.stringify(bound) !== JSON.stringify(old.bound)) {
          fail(`${entry.path}: the exports/module identifiers bound to local declarations changed: ` +
            `${old.bound.join(',')} -> ${bound.join(',')}`, entry.path, 'scope');
        }
      } catch (error) {
        fail(`${entry.path}: the fixed file does not parse for the scope analysis (${error.message})`);
      }
    }
    if (!old.shape) continue;
    const shape = oracleShape(full, options.work);
    const applied = entry.findings.filter((finding) => finding.fix === 'safe').map((finding) => finding.rule);
    const repair = applied.some((rule) => REPAIRS.has(rule));
    if (repair) figures.repairs += 1;
    else figures.preserving += 1;
    if (old.shape.error) {
      figures.notLoadable.push(`${entry.path}: ${old.shape.error}`);
      if (shape.error !== old.shape.error) {
        fail(`${entry.path}: Node could not load it before the fix (${old.shape.error}); after: ${JSON.stringify(shape)}`);
      }
      continue;
    }
    if (shape.error) {
      fail(`${entry.path}: Node loaded it before the fix, not after: ${shape.error}`);
    } else if (!repair) {
      if (JSON.stringify(shape) !== JSON.stringify(old.shape)) {
        fail(`${entry.path}: a behaviour-preserving fix (${applied.join(', ')}) changed the exported shape:\n` +
          `  before ${JSON.stringify(old.shape)}\n  after  ${JSON.stringify(shape)}`, entry.path, 'shape');
      }
    } else {
      const lostKeys = Object.keys(old.shape.keys || {}).filter((key) => !(key in (shape.keys || {})));
      if (isEmptyShape(shape) || lostKeys.length > 0) {
        fail(`${entry.path}: the repair (${applied.join(', ')}) exports ${JSON.stringify(shape)}; ` +
          `before: ${JSON.stringify(old.shape)}`, entry.path, 'shape');
      }
    }
  }
  figures.timings.verifyFix = seconds(phase);

  // 4. idempotence.
  const again = runExportfix(options, ['fix', '--no-ignore', '--format', 'json', 'node_modules']);
  const againChanged = again.report.files.filter((entry) => entry.diff !== null).map((entry) => entry.path);
  if (again.report.summary.files_changed !== 0 || againChanged.length > 0) {
    fail(`a second fix changed ${again.report.summary.files_changed} files: ${againChanged.slice(0, 10).join(', ')}`);
  }
  figures.secondFixChanged = again.report.summary.files_changed;

  // 5. the ESLint differential.
  if (eslintRun) {
    const { results, seconds: eslintSeconds } = await eslintRun;
    figures.timings.eslint = eslintSeconds;
    figures.eslint = compareWithEslint(options, results, check.report, styleCheck.report, eslintFiles, relative);
  }

  for (const key of known.keys()) {
    if (!knownSeen.has(key)) warn(`tests/corpus/known-issues.md lists ${key}, which no longer fails: remove it`);
  }
  figures.known = [...knownSeen].map((key) => ({ key, problem: known.get(key) }));
  figures.timings.total = seconds(started);
  const output = report(options, figures);
  process.stdout.write(output.text);
  if (options.doc) {
    fs.mkdirSync(path.dirname(options.doc), { recursive: true });
    fs.writeFileSync(options.doc, output.markdown);
    log(`wrote ${path.relative(REPO, options.doc)}`);
  }
  if (warnings.length > 0) {
    process.stdout.write(`\nWARNING: ${warnings.length} stale row(s):\n`);
    for (const warning of warnings) process.stdout.write(`  - ${warning}\n`);
  }
  if (failures.length > 0) {
    process.stdout.write(`\nFAILED: ${failures.length} problem(s):\n`);
    for (const failure of failures) process.stdout.write(`  - ${failure}\n`);
    process.exit(1);
  }
  process.stdout.write('\ncorpus check passed\n');
}

function compareWithEslint(options, results, checkReport, styleReport, eslintFiles, relative) {
  const inScope = new Set(eslintFiles.map(relative));
  const fatal = new Set();
  const eslintAssign = new Map(); // "file:line" -> ESLint message
  const eslintStyleFiles = new Set();
  for (const result of results) {
    const file = relative(result.file);
    if (result.fatal) {
      fatal.add(file);
      continue;
    }
    for (const finding of result.findings) {
      if (finding.rule === 'n/no-exports-assign') eslintAssign.set(`${file}:${finding.line}`, finding.message);
      else if (finding.rule === 'n/exports-style') eslintStyleFiles.add(file);
    }
  }
  const compared = (file) => inScope.has(file) && !fatal.has(file);
  const oursAssign = new Map();
  for (const entry of checkReport.files) {
    for (const finding of entry.findings) {
      if (finding.rule === 'exports-reassign' && compared(entry.path)) {
        oursAssign.set(`${entry.path}:${finding.line}`, finding.message);
      }
    }
  }
  const ourStyleFiles = new Map(); // file -> line of its first style finding
  for (const entry of styleReport.files) {
    if (!compared(entry.path)) continue;
    const style = entry.findings.find((f) => f.rule === 'mixed-exports' || f.rule === 'prefer-module-exports');
    if (style) ourStyleFiles.set(entry.path, style.line);
  }

  // no-exports-assign vs exports-reassign, line by line, both directions.
  const listed = readDisagreements();
  const seen = new Set();
  const disagreements = [];
  const both = [...eslintAssign.keys()].filter((key) => oursAssign.has(key));
  for (const [key] of eslintAssign) if (!oursAssign.has(key)) disagreements.push({ key, tool: 'ESLint' });
  for (const [key] of oursAssign) if (!eslintAssign.has(key)) disagreements.push({ key, tool: 'exportfix' });
  // exports-style, in the direction that must not happen: exportfix restyles a file ESLint sees no `exports` in.
  const styleOnlyOurs = [...ourStyleFiles.keys()].filter((file) => !eslintStyleFiles.has(file));
  for (const file of styleOnlyOurs) {
    disagreements.push({ key: `${file}:${ourStyleFiles.get(file)}`, tool: 'exportfix (style)' });
  }
  disagreements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { key, tool } of disagreements) {
    const listedKey = `${key}:${tool}`;
    if (listed.has(listedKey)) seen.add(listedKey);
    else fail(`${key}: only ${tool} reports it; explain it in tests/corpus/disagreements.md or fix it`);
  }
  for (const key of listed.keys()) {
    if (!seen.has(key)) warn(`tests/corpus/disagreements.md lists ${key}, which no longer occurs: remove it`);
  }

  // n/exports-style ("module.exports") vs mixed-exports + prefer-module-exports (--style module-exports), per file.
  const styleOnlyEslint = [...eslintStyleFiles].filter((file) => !ourStyleFiles.has(file));
  const reasons = { 'tsc/Babel output (`__esModule`)': 0, 'probes `typeof exports`/`typeof module`': 0,
    'reassigns `exports` or `module.exports` (linking idioms, UMD)': 0, other: 0 };
  const samples = [];
  for (const file of styleOnlyEslint) {
    const text = fs.readFileSync(path.join(options.work, file), 'utf8');
    if (/__esModule/.test(text)) reasons['tsc/Babel output (`__esModule`)'] += 1;
    else if (/typeof\s*\(?\s*(exports|module)\b/.test(text)) reasons['probes `typeof exports`/`typeof module`'] += 1;
    else if (/\bexports\s*=[^=]|module\.exports\s*=[^=]/.test(text)) {
      reasons['reassigns `exports` or `module.exports` (linking idioms, UMD)'] += 1;
    } else {
      reasons.other += 1;
      if (samples.length < 10) samples.push(file);
    }
  }
  return {
    files: eslintFiles.length,
    fatal: fatal.size,
    compared: eslintFiles.length - fatal.size,
    assign: { eslint: eslintAssign.size, ours: oursAssign.size, both: both.length, disagreements, listed },
    style: { eslint: eslintStyleFiles.size, ours: ourStyleFiles.size, onlyEslint: styleOnlyEslint.length,
      onlyOurs: styleOnlyOurs.length, reasons, samples },
  };
}

function report(options, figures) {
  const summary = figures.check.report.summary;
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'tests', 'corpus', 'package.json'), 'utf8'));
  const tools = JSON.parse(fs.readFileSync(path.join(REPO, 'tests', 'corpus', 'tools', 'package.json'), 'utf8'));
  const version = spawnSync(options.bin, ['--version'], { encoding: 'utf8' }).stdout.trim() || 'exportfix';
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).stdout.trim();
  const rules = ['exports-reassign', 'lost-export', 'mixed-exports', 'prefer-module-exports'];
  const lines = [];
  lines.push('| rule | findings | safe fix | unsafe fix | no fix |', '|---|---:|---:|---:|---:|');
  for (const rule of rules) {
    const f = figures.findings[rule] || { total: 0, safe: 0, unsafe: 0, none: 0 };
    lines.push(`| \`${rule}\` | ${f.total} | ${f.safe} | ${f.unsafe} | ${f.none} |`);
  }
  const findingsTable = lines.join('\n');
  const figuresTable = [
    '| figure | value |', '|---|---:|',
    `| .js/.cjs files in the corpus | ${figures.jsFiles} |`,
    `| files scanned by exportfix (all supported extensions) | ${summary.files_scanned} |`,
    `| findings | ${summary.findings} |`,
    `| findings verified on a free \`exports\`/\`module\` by the independent scope analysis | ${figures.scopeChecked} |`,
    `| files changed by \`fix\` | ${figures.fix.report.summary.files_changed} |`,
    `| ... behaviour-preserving (same shape in Node) / repairs | ${figures.preserving} / ${figures.repairs} |`,
    `| ... of which Node cannot load before or after (same error both times) | ${figures.notLoadable.length} |`,
    `| files a second \`fix\` changes | ${figures.secondFixChanged} |`,
    `| errors (all syntax errors that \`node --check\` also rejects) | ${summary.errors} |`,
    `| exportfix check time (whole corpus, ${os.cpus().length} threads) | ${figures.check.seconds} s |`,
    `| exportfix fix time | ${figures.fix.seconds} s |`,
    `| whole corpus check, including ESLint | ${figures.timings.total} s |`,
  ].join('\n');
  let eslintSection = '';
  if (figures.eslint) {
    const e = figures.eslint;
    const rows = e.assign.disagreements.map(({ key, tool }) => {
      const [file, line] = [key.slice(0, key.lastIndexOf(':')), key.slice(key.lastIndexOf(':') + 1)];
      return `| \`${file}\` | ${line} | ${tool} | ${e.assign.listed.get(`${key}:${tool}`) || '**not explained**'} |`;
    });
    eslintSection = [
      `## ESLint differential (eslint ${tools.dependencies.eslint}, eslint-plugin-n ${tools.dependencies['eslint-plugin-n']})`,
      '',
      `ESLint's \`Linter\` with only \`n/no-exports-assign\` and \`n/exports-style: "module.exports"\`, ` +
        '`sourceType: "commonjs"`, over the same .js/.cjs files (those Node loads as ES modules by `"type": "module"` left out). ' +
        `Files ESLint cannot parse as CommonJS (ES modules, templates, syntax-error test files) are left out on both sides.`,
      '',
      '| | files |', '|---|---:|',
      `| linted by ESLint | ${e.files} |`,
      `| fatal parse errors in ESLint (left out on both sides) | ${e.fatal} |`,
      `| compared | ${e.compared} |`,
      '',
      '### `n/no-exports-assign` vs `exports-reassign` (by file and line)',
      '',
      '| | reassignments |', '|---|---:|',
      `| flagged by ESLint | ${e.assign.eslint} |`,
      `| flagged by exportfix | ${e.assign.ours} |`,
      `| flagged by both | ${e.assign.both} |`,
      `| only ESLint (each explained below) | ${e.assign.disagreements.filter((d) => d.tool === 'ESLint').length} |`,
      `| only exportfix (each explained below) | ${e.assign.disagreements.filter((d) => d.tool === 'exportfix').length} |`,
      `| agreement on ESLint's findings (explained ESLint-only ones counted as ESLint's errors) | ` +
        `${e.assign.eslint === 0 ? 'n/a' : `${e.assign.both} + ${e.assign.disagreements.filter((d) => d.tool === 'ESLint' && e.assign.listed.has(`${d.key}:ESLint`)).length} explained of ${e.assign.eslint}`} |`,
      '',
      'Every disagreement (both rules; "exportfix (style)": a file exportfix restyles that `n/exports-style` does not ' +
        'flag), with the reason from `tests/corpus/disagreements.md`:',
      '',
      '| file | line | flagged only by | why |', '|---|---:|---|---|',
      ...(rows.length ? rows : ['| (none) | | | |']),
      '',
      '### `n/exports-style` vs `mixed-exports` + `prefer-module-exports` (by file, exportfix with `--style module-exports`)',
      '',
      '| | files |', '|---|---:|',
      `| flagged by ESLint | ${e.style.eslint} |`,
      `| flagged by exportfix | ${e.style.ours} |`,
      `| only exportfix (each explained below) | ${e.style.onlyOurs} |`,
      `| only ESLint | ${e.style.onlyEslint} |`,
      ...Object.entries(e.style.reasons).map(([reason, count]) => `| ... ${reason} | ${count} |`),
      '',
      '`n/exports-style` flags every use of `exports`; exportfix by design leaves alone compiler output ' +
        '(`Object.defineProperty(exports, "__esModule", ...)`), files that probe `typeof exports`/`typeof module` ' +
        '(UMD: in a browser one may exist without the other), and files whose rewrite the simulation cannot prove ' +
        'equivalent (reassignments, linking idioms with a competing value). This direction is informational.' +
        (e.style.samples.length ? ` Samples of "other": ${e.style.samples.map((s) => `\`${s}\``).join(', ')}.` : ''),
      '',
    ].join('\n');
  }
  const packages = Object.entries(manifest.dependencies).map(([name, v]) => `${name}@${v}`).join(', ');
  const markdown = [
    '# exportfix on a real corpus',
    '',
    'Written by `bash scripts/corpus-check.sh` (which CI runs); do not edit by hand. What the check asserts is ' +
      'described at the top of `tests/corpus/check.js`.',
    '',
    `- date: ${new Date().toISOString().slice(0, 10)}; ${version} (commit ${commit}); node ${process.version}; ` +
      `acorn ${tools.dependencies.acorn}, eslint-scope ${tools.dependencies['eslint-scope']}`,
    `- corpus: \`tests/corpus/package-lock.json\`, ${Object.keys(manifest.dependencies).length} pinned packages ` +
      `and their dependency trees: ${packages}`,
    '',
    '## Figures',
    '',
    figuresTable,
    '',
    '## Findings per rule (`check`, default options)',
    '',
    findingsTable,
    '',
    '## Errors',
    '',
    ...(figures.errors.length
      ? ['| file | line | column | exportfix | node --check |', '|---|---:|---:|---|---|',
        ...figures.errors.map((e) => `| \`${e.path}\` | ${e.line} | ${e.column} | ${e.message.replace(/\|/g, '\\|')} | ${e.node} |`)]
      : ['(none)']),
    '',
    '## Known engine issues (from `tests/corpus/known-issues.md`: they occur, and do not fail the check)',
    '',
    ...(figures.known.length
      ? ['| file:check | problem |', '|---|---|', ...figures.known.map((k) => `| \`${k.key}\` | ${k.problem} |`)]
      : ['(none)']),
    '',
    ...(warnings.length ? ['## Stale rows (warnings)', '', ...warnings.map((w) => `- ${w}`), ''] : []),
    ...(figures.notLoadable.length
      ? ['## Changed files Node cannot load with the oracle\'s stub `require` (compared by their error)', '',
        ...figures.notLoadable.map((line) => `- \`${line.replace(/`/g, "'")}\``), '']
      : []),
    eslintSection,
  ].join('\n');
  const text = [
    '',
    'exportfix corpus check',
    figuresTable,
    '',
    findingsTable,
    '',
    `known engine issues (tests/corpus/known-issues.md): ${figures.known.map((k) => k.key).join(', ') || 'none'}`,
    '',
    figures.eslint ? eslintSection : '(ESLint differential skipped)',
  ].join('\n');
  return { text: `${text}\n`, markdown };
}

main().catch((error) => {
  process.stderr.write(`corpus-check: ${error.stack || error}\n`);
  process.exit(1);
});
