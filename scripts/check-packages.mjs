#!/usr/bin/env node
// `pnpm check:packages` (after `pnpm build`): what npm users would get from @rexec/adapters and @rexec/core.
// Each package is packed with `pnpm pack` (as `pnpm publish` packs it: workspace:* becomes a version), then:
//  1. the tarball holds only what users need: package.json, README.md, LICENSE, CHANGELOG.md, dist/ with the
//     bundle (index.js + map, scripts/bundle.mjs) and exactly one .d.ts (+ map) per module of src/ (no test or
//     test-support file, no stale file of a deleted module), and src/ without tests (the maps point into it);
//  2. every bare import of the shipped .js/.d.ts is a Node builtin or a dependency, and every one in a .d.ts has
//     types a user gets with the install (own types or an @types/* dependency);
//  3. publint (strict) and @arethetypeswrong/cli (ESM-only profile: node16 from ESM and bundler) pass.
import { builtinModules } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { PUBLISHED, ROOT, listFiles, pack, readTarball, run } from './lib/packages.mjs';

const ALWAYS = new Set(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']);
const REQUIRED = ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.js.map', 'dist/index.d.ts'];
/** The JavaScript is one bundle; every other dist file is a declaration of a module of src/. */
const BUNDLE = new Set(['dist/index.js', 'dist/index.js.map']);
const TEST_PATH = /(^|\/)(test|tests|__tests__|test-support|fixtures)(\/|$)|\.(test|spec)\.[cm]?[jt]s/;
const BUILTINS = new Set(builtinModules);

/** A module of src/ that is published: a .ts file that is neither a test nor a test helper. */
const isPublishedSource = (path) => path.endsWith('.ts') && !path.endsWith('.d.ts') && !TEST_PATH.test(path);

function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function bareImports(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = new Set();
  for (const match of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)) {
    const specifier = match[1];
    if (!specifier.startsWith('.') && !specifier.startsWith('/')) found.add(specifier);
  }
  return found;
}

/** True when `name`, as installed for this package, carries its own declarations. */
function shipsOwnTypes(pkgDir, name) {
  const manifestPath = join(pkgDir, 'node_modules', name, 'package.json');
  if (!existsSync(manifestPath)) return false;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  return Boolean(manifest.types || manifest.typings || JSON.stringify(manifest.exports ?? {}).includes('"types"') ||
    existsSync(join(pkgDir, 'node_modules', name, 'index.d.ts')));
}

function checkContents(pkg, files) {
  const problems = [];
  const manifest = JSON.parse(files.get('package.json').toString('utf8'));
  const sources = listFiles(join(pkg.dir, 'src')).filter(isPublishedSource).map((path) => path.slice(0, -'.ts'.length));
  const modules = new Set(sources);

  for (const path of REQUIRED) if (!files.has(path)) problems.push(`missing ${path}`);
  for (const path of files.keys()) {
    if (ALWAYS.has(path)) continue;
    if (TEST_PATH.test(path)) {
      problems.push(`test file shipped: ${path}`);
    } else if (BUNDLE.has(path)) {
      continue;
    } else if (path.startsWith('dist/')) {
      const module = path.slice('dist/'.length).replace(/\.(d\.ts|d\.ts\.map)$/, '');
      if (module === path.slice('dist/'.length) || !modules.has(module)) {
        problems.push(`dist file with no module in src/: ${path} (stale: a build starts from an empty dist, but a turbo cache hit keeps old files: run \`pnpm build --force\`)`);
      }
    } else if (path.startsWith('src/')) {
      if (!isPublishedSource(path)) problems.push(`unexpected file in src/: ${path}`);
    } else {
      problems.push(`unexpected file: ${path} (check "files" in package.json)`);
    }
  }
  for (const module of sources) {
    for (const path of [`dist/${module}.d.ts`, `src/${module}.ts`]) {
      if (!files.has(path)) problems.push(`missing ${path} (src/${module}.ts is published)`);
    }
  }

  const dependencies = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies };
  for (const [name, range] of Object.entries(dependencies)) {
    if (String(range).startsWith('workspace:')) problems.push(`dependency ${name} is still ${range} in the packed package.json`);
  }
  for (const [path, body] of files) {
    const isDeclaration = path.endsWith('.d.ts');
    if (!path.startsWith('dist/') || !(isDeclaration || path.endsWith('.js'))) continue;
    for (const specifier of bareImports(body.toString('utf8'))) {
      const name = packageNameOf(specifier);
      if (specifier.startsWith('node:') || BUILTINS.has(specifier)) continue;
      if (!(name in dependencies)) {
        problems.push(`${path} imports '${specifier}', which is not a dependency (users would not have it)`);
      } else if (isDeclaration) {
        const typesName = `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
        if (!(typesName in dependencies) && !shipsOwnTypes(pkg.dir, name)) {
          problems.push(`${path} uses the types of '${specifier}': add ${typesName} to dependencies (TS7016 for users otherwise)`);
        }
      }
    }
  }
  return problems;
}

const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'rexec-check-packages-'));
let failed = false;
try {
  for (const pkg of PUBLISHED) {
    let tarball;
    try {
      tarball = pack(pkg, work);
    } catch (error) {
      console.log(`${pkg.name}: ✗ ${error.message}`);
      failed = true;
      continue;
    }
    const files = readTarball(tarball);
    const problems = checkContents(pkg, files);
    const kib = (readFileSync(tarball).length / 1024).toFixed(0);
    console.log(`${pkg.name}: ${files.size} files, ${kib} KiB packed`);
    for (const problem of problems) console.log(`  ✗ ${problem}`);

    const bytes = readFileSync(tarball);
    const lint = await publint({
      pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
      strict: true,
      level: 'suggestion',
    });
    for (const message of lint.messages) {
      console.log(`  ✗ publint ${message.type}: ${formatMessage(message, lint.pkg, { color: false })}`);
    }

    let typesOk = true;
    try {
      run(join(ROOT, 'node_modules', '.bin', 'attw'), ['--profile', 'esm-only', '--format', 'ascii', '--no-color', tarball]);
    } catch (error) {
      typesOk = false;
      console.log(`  ✗ attw --profile esm-only:\n${String(error.message).replace(/^/gm, '    ')}`);
    }
    const ok = problems.length === 0 && lint.messages.length === 0 && typesOk;
    console.log(`  ${ok ? '✓' : '✗'} contents, imports, publint --strict, attw --profile esm-only`);
    failed ||= !ok;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`check:packages ${failed ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exitCode = failed ? 1 : 0;
