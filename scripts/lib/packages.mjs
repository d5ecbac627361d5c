// Shared by scripts/check-packages.mjs and scripts/check-packed-install.mjs: the published packages, packing
// them as `pnpm publish` would (workspace:* rewritten to versions), and reading a tarball without `tar`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The packages users install, in dependency order. */
export const PUBLISHED = [
  { name: '@rexec/adapters', dir: join(ROOT, 'packages', 'adapters') },
  { name: '@rexec/core', dir: join(ROOT, 'packages', 'core') },
];

const isWindows = process.platform === 'win32';

/** Runs a command; throws with its output when it fails. Returns stdout. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    shell: isWindows, // pnpm/npm are .cmd shims on Windows
    maxBuffer: 64 * 1024 * 1024,
    ...options,
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const where = options.cwd ? ` (in ${options.cwd})` : '';
    throw new Error(
      `${command} ${args.join(' ')}${where} exited with ${result.status ?? result.signal}\n${result.stdout ?? ''}${result.stderr ?? ''}`,
    );
  }
  return result.stdout ?? '';
}

/** Packs one package with `pnpm pack` into `destination`; returns the tarball's path. */
export function pack(pkg, destination) {
  const manifest = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8'));
  if (!existsSync(join(pkg.dir, 'dist', 'index.js'))) {
    throw new Error(`${pkg.name} has no dist/index.js: run \`pnpm build\` first`);
  }
  run('pnpm', ['pack', '--pack-destination', destination], { cwd: pkg.dir });
  const file = `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`;
  const tarball = join(destination, file);
  if (!existsSync(tarball)) throw new Error(`pnpm pack wrote no ${file} in ${destination}: ${readdirSync(destination).join(', ')}`);
  return tarball;
}

/** The files of a .tgz as a Map of path (without the leading `package/`) to contents. Regular files only. */
export function readTarball(tarball) {
  const data = gunzipSync(readFileSync(tarball));
  const files = new Map();
  let longName;
  for (let offset = 0; offset + 512 <= data.length; ) {
    const header = data.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start, length) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const body = data.subarray(offset + 512, offset + 512 + size);
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if (type === '0' || type === '7') files.set(name.replace(/^package\//, ''), body);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Paths of the files under `dir`, relative to it, with `/` separators. */
export function listFiles(dir) {
  const out = [];
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}
