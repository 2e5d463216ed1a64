// The npm package as `make package` leaves it in target/package (and packed in
// target/): what it contains, what its package.json promises, that its entry
// finds its files the way bundlers detect, and that its types hold a TypeScript
// host to them. Run by `make bundlers` (part of `make test`) with node's runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pkgDir = join(root, 'target/package');
const tsc = join(root, 'node_modules/.bin/tsc');

/** The core files, each loaded by the entry through `new URL('./…', import.meta.url)`. */
const CORE = ['widget', 'explorer', 'cancel', 'chart']
  .flatMap((part) => [`batch-status-${part}.js`, `batch-status-${part}_bg.wasm`]);
const FILES = ['LICENSE', 'README.md', 'batch-status.d.ts', 'batch-status.js', 'package.json', ...CORE].sort();

const pkg = () => JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

test('npm pack ships exactly the entry, its types, the core files, the README and the license', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: pkgDir, encoding: 'utf8' });
  const files = JSON.parse(out)[0].files.map((f) => f.path).sort();
  assert.deepEqual(files, FILES);
});

test('package.json: scoped name, the crate version, ESM, an exports map with types, side effects named, no dependencies', () => {
  const p = pkg();
  const crate = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "(.*)"/m)[1];
  assert.match(p.name, /^@[a-z0-9-]+\/[a-z0-9-]+$/);
  assert.equal(p.version, crate);
  assert.equal(p.type, 'module');
  assert.deepEqual(p.exports, { '.': { types: './batch-status.d.ts', default: './batch-status.js' } });
  assert.deepEqual(p.sideEffects, ['./batch-status.js']);
  assert.deepEqual([...p.files].sort(), FILES.filter((f) => !['LICENSE', 'README.md', 'package.json'].includes(f)));
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies']) {
    assert.equal(p[field], undefined, `${field} must not be set`);
  }
});

test('the entry names every core file by its stable name, in the pattern bundlers detect', () => {
  const entry = readFileSync(join(pkgDir, 'batch-status.js'), 'utf8');
  for (const file of CORE) {
    assert.ok(entry.includes(`new URL("./${file}",import.meta.url)`), `the entry loads ${file} through new URL(…, import.meta.url)`);
    assert.ok(existsSync(join(pkgDir, file)), `${file} is in the package`);
  }
  assert.doesNotMatch(entry, /\.[0-9a-f]{10}\.(js|wasm)/, 'no content-hashed name is left');
  // Its own glue is imported by a computed URL: bundlers are told to leave it.
  const imports = entry.match(/import\(/g).length;
  const ignored = entry.match(/import\(\/\* webpackIgnore: true \*\/ \/\* @vite-ignore \*\//g)?.length ?? 0;
  assert.equal(ignored, imports);
});

/** Runs tsc on `source` as a host of the packed types; returns its result. */
function typecheck(name, source) {
  const dir = join(root, 'target/bundlers', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'consumer.ts'), source);
  const config = JSON.parse(readFileSync(join(root, 'tests/bundlers/types/tsconfig.json'), 'utf8'));
  config.compilerOptions.paths['@batch-status/widget'] = [join(pkgDir, 'batch-status.d.ts')];
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
  return spawnSync(tsc, ['-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
}

test('TypeScript knows the element, its events and mount()', () => {
  const consumer = readFileSync(join(root, 'tests/bundlers/types/consumer.ts'), 'utf8');
  const result = typecheck('consumer', consumer);
  assert.equal(result.status, 0, result.stdout + result.stderr);
});

test('a misspelt event detail field does not type-check', () => {
  const consumer = readFileSync(join(root, 'tests/bundlers/types/consumer.ts'), 'utf8');
  const misspelt = consumer.replace('event.detail.percentFinished', 'event.detail.percentFinshed');
  assert.notEqual(misspelt, consumer);
  const result = typecheck('misspelt', misspelt);
  assert.notEqual(result.status, 0, 'tsc accepted a misspelt detail field');
  assert.match(result.stdout, /percentFinshed/);
});
