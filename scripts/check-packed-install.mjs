#!/usr/bin/env node
// `pnpm check:packed-install` (after `pnpm build`): @rexec/core and @rexec/adapters as an npm user gets them.
// Packs both with `pnpm pack`, installs the tarballs with npm into a fresh project in the OS temp dir (outside
// the workspace, so nothing resolves from it), then type-checks a small script against the published .d.ts
// (strict, module NodeNext, skipLibCheck: false) and runs it with node: `$` locally, `$.ssh` against an SSH
// host, `createPool`.
//
// The SSH host: REXEC_CHECK_HOST, REXEC_CHECK_PORT, REXEC_CHECK_USER, REXEC_CHECK_KEY (key file) and
// REXEC_CHECK_KNOWN_HOSTS name one; otherwise one is started here with @rexec/testing (OpenSSH sshd on
// 127.0.0.1 with throwaway keys, else the embedded ssh2 server; REXEC_TEST_SSHD=openssh forbids the fallback).
// REXEC_CHECK_KEEP=1 keeps the temp project for a look.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PUBLISHED, ROOT, pack } from './lib/packages.mjs';

const started = Date.now();
const timings = [];
function step(label, since) {
  timings.push(`${label} ${((Date.now() - since) / 1000).toFixed(1)} s`);
}

/** Runs a command without blocking this process (an embedded SSH host serves from it); rejects on failure. */
function runAsync(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { shell: process.platform === 'win32', stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}\n${output}`));
    });
  });
}

/** npm gets the user's registry and proxy settings, not the ones pnpm exports to scripts it runs. */
function npmEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_(config|package|lifecycle)_/i.test(key) && !/registry|proxy|cafile|strict_ssl|userconfig|cache/i.test(key)) delete env[key];
  }
  return env;
}

const APP = `// A user's script: written against the published packages only.
import assert from 'node:assert/strict';
import { $, createPool, CommandError, type PooledSshConnection, type ProcessOutput, type SshTargetOptions } from '@rexec/core';
import { quote } from '@rexec/adapters';

function need(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(\`\${name} is not set\`);
  return value;
}

// $ locally: each \${} is one quoted argument.
const word = "it's one argument; not two";
const local: ProcessOutput = await $\`echo \${word}\`;
assert.equal(local.stdout.trim(), word);
const failed = await $\`exit 3\`.nothrow();
assert.equal(failed.exitCode, 3);
await assert.rejects(async () => await $\`exit 4\`, (error: unknown) => error instanceof CommandError && error.exitCode === 4);
assert.equal(quote('a b'), "'a b'");
console.log('ok $ (local)');

// $.ssh against a real host, pooled.
const target: SshTargetOptions = {
  host: need('REXEC_CHECK_HOST'),
  port: Number(need('REXEC_CHECK_PORT')),
  username: need('REXEC_CHECK_USER'),
  privateKey: need('REXEC_CHECK_KEY'),
  knownHosts: need('REXEC_CHECK_KNOWN_HOSTS'),
};
const remote = $.ssh(target);
try {
  const greeting = await remote\`echo \${word}\`;
  assert.equal(greeting.stdout.trim(), word);
  const lines = await remote\`for x in \${['a b', 'c']}; do echo "$x"; done\`.lines();
  assert.deepEqual(lines, ['a b', 'c']);
  const conn: PooledSshConnection = await remote.acquire();
  try {
    assert.equal((await conn.exec('echo borrowed')).stdout.trim(), 'borrowed');
    // conn.client is ssh2's Client, typed through @types/ssh2 (a dependency of @rexec/core), not any:
    const forward: typeof conn.client.forwardOut = conn.client.forwardOut;
    assert.equal(typeof forward, 'function');
    const typeProbes = (): void => {
      // @ts-expect-error ssh2's Client has no such method
      conn.client.noSuchMethod();
      // @ts-expect-error a misspelt option is refused
      $.ssh({ hots: 'example.com' });
    };
    void typeProbes;
  } finally {
    await remote.release(conn);
  }
  assert.ok(remote.getPoolStats().total >= 1);
} finally {
  await remote.closePool();
}
console.log('ok $.ssh (pooled ssh2)');

// The generic pool on its own.
let created = 0;
const pool = createPool<{ readonly id: number }>(
  { create: async () => ({ id: ++created }), destroy: async () => {} },
  { target: 'packed-install-check', max: 2 },
);
const [first, second] = await Promise.all([pool.acquire(), pool.acquire()]);
assert.notEqual(first.id, second.id);
await pool.release(first);
await pool.release(second);
assert.equal(pool.stats().total, 2);
await pool.drain();
console.log('ok createPool');
console.log('packed install works');
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2022'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: false,
    noUncheckedIndexedAccess: true,
    types: ['node'],
    rootDir: 'src',
    outDir: 'out',
  },
  include: ['src'],
};

const work = realpathSync(mkdtempSync(join(tmpdir(), 'rexec-packed-install-')));
if (!relative(ROOT, work).startsWith('..')) throw new Error(`the temp dir ${work} is inside the workspace ${ROOT}`);
const keep = process.env['REXEC_CHECK_KEEP'] === '1';
let host;
try {
  let since = Date.now();
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const packed = PUBLISHED.map((pkg) => pack(pkg, tarballs));
  step('pack', since);

  since = Date.now();
  const app = join(work, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'rexec-packed-install-check', private: true, type: 'module' }, null, 2)}\n`);
  const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const typesNode = `@types/node@${rootManifest.devDependencies['@types/node']}`;
  // --ignore-scripts: ssh2's optional native crypto build is slow and not what is checked here.
  await runAsync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...packed, typesNode], {
    cwd: app,
    env: npmEnv(),
  });
  step('npm install', since);

  since = Date.now();
  writeFileSync(join(app, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  writeFileSync(join(app, 'src', 'app.ts'), APP);
  // The workspace's TypeScript compiler; every type it sees comes from the app's own node_modules.
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await runAsync(process.execPath, [tsc, '-p', app], { cwd: app });
  } catch (error) {
    throw new Error(`tsc (strict, NodeNext, skipLibCheck: false) fails on the published types:\n${error.message}`);
  }
  step('tsc', since);

  since = Date.now();
  let login;
  if (process.env['REXEC_CHECK_HOST']) {
    login = {
      host: process.env['REXEC_CHECK_HOST'],
      port: process.env['REXEC_CHECK_PORT'] ?? '22',
      username: process.env['REXEC_CHECK_USER'] ?? '',
      privateKey: process.env['REXEC_CHECK_KEY'] ?? '',
      knownHosts: process.env['REXEC_CHECK_KNOWN_HOSTS'] ?? '',
    };
  } else {
    // @rexec/testing is TypeScript source, private to the workspace: load it through tsx.
    const { register } = await import('tsx/esm/api');
    register();
    const testing = await import(pathToFileURL(join(ROOT, 'packages', 'testing', 'src', 'index.ts')).href);
    host = await testing.startSshHost();
    login = testing.loginOptionsOf(host);
    console.log(`SSH host: ${host.kind} on ${host.host}:${host.port}`);
  }
  step('ssh host', since);

  since = Date.now();
  const output = await runAsync(process.execPath, [join(app, 'out', 'app.js')], {
    cwd: app,
    env: {
      ...process.env,
      REXEC_CHECK_HOST: login.host,
      REXEC_CHECK_PORT: String(login.port),
      REXEC_CHECK_USER: login.username,
      REXEC_CHECK_KEY: login.privateKey,
      REXEC_CHECK_KNOWN_HOSTS: login.knownHosts,
    },
  });
  process.stdout.write(output.replace(/^(?=.)/gm, '  '));
  if (!output.includes('packed install works')) throw new Error('the app ended without its last line');
  step('run', since);
  console.log(`check:packed-install passed in ${((Date.now() - started) / 1000).toFixed(1)} s (${timings.join(', ')})`);
} catch (error) {
  console.log(String(error instanceof Error ? error.message : error));
  console.log(`check:packed-install FAILED (project: ${work}${keep ? '' : ', removed; REXEC_CHECK_KEEP=1 keeps it'})`);
  process.exitCode = 1;
} finally {
  await host?.stop();
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
