/**
 * Helpers of the transfer tests. The harness sshd runs on this machine, so a "remote" path is a path here too:
 * tests check what arrived with the file system directly, and the remote end's sha256 with `sha256sum`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { TransferError } from '../../src/index.js';
import { tempDir } from '../support/temp-dir.js';

export { tempDir };

/** One entry of a tree as the tests compare it: type, permission bits, contents (sha256) or link target. */
export interface Shape {
  readonly type: 'file' | 'directory' | 'symlink';
  readonly mode: number;
  readonly content?: string;
  readonly link?: string;
}

/** Every entry under `root` (lstat: links as links), keyed by relative path; the root itself as `.`. */
export function shapeOf(root: string): Record<string, Shape> {
  const shapes: Record<string, Shape> = {};
  const visit = (path: string, relative: string): void => {
    const stats = lstatSync(path);
    const mode = stats.mode & 0o7777;
    if (stats.isSymbolicLink()) shapes[relative] = { type: 'symlink', mode: 0, link: readlinkSync(path) };
    else if (stats.isFile()) shapes[relative] = { type: 'file', mode, content: sha256(readFileSync(path)) };
    else if (stats.isDirectory()) {
      shapes[relative] = { type: 'directory', mode };
      for (const name of readdirSync(path)) visit(join(path, name), relative === '.' ? name : `${relative}/${name}`);
    }
  };
  visit(root, '.');
  return shapes;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of a file as the remote end computes it (`sha256sum`). */
export function sha256sum(path: string): string {
  return execFileSync('sha256sum', ['--', path], { encoding: 'utf8' }).slice(0, 64);
}

/** The names a transfer must carry as they are. */
export const AWKWARD_NAMES = ['with space', "it's quoted", 'double"quote', 'new\nline', '-leading-dash', '--also', 'ünïcødé ✓', '$(echo no)', 'back\\slash', `${'long'.repeat(40)}`];

/**
 * A tree with nested directories, modes, symlinks (relative inside the tree, and one pointing outside it,
 * kept as a link and never followed), empty files and directories, and awkward names.
 */
export function makeTree(root: string, outside: string): void {
  mkdirSync(join(root, 'sub', 'deeper'), { recursive: true });
  mkdirSync(join(root, 'empty-dir'));
  mkdirSync(join(root, 'private'));
  writeFileSync(join(root, 'plain.txt'), 'plain\n');
  writeFileSync(join(root, 'empty'), '');
  writeFileSync(join(root, 'script.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'script.sh'), 0o755);
  writeFileSync(join(root, 'private', 'secret'), 'shh');
  chmodSync(join(root, 'private', 'secret'), 0o600);
  chmodSync(join(root, 'private'), 0o700);
  writeFileSync(join(root, 'sub', 'deeper', 'bytes.bin'), allBytes());
  chmodSync(join(root, 'sub', 'deeper', 'bytes.bin'), 0o640);
  for (const name of AWKWARD_NAMES) writeFileSync(join(root, 'sub', name), `content of ${name}\n`);
  symlinkSync('sub/deeper/bytes.bin', join(root, 'link-inside'));
  symlinkSync('../private', join(root, 'sub', 'link-to-dir'));
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'outside.txt'), 'must not be copied');
  symlinkSync(outside, join(root, 'link-outside'));
  symlinkSync('does-not-exist', join(root, 'dangling'));
}

/** Every byte value, 0 to 255, four times. */
export function allBytes(): Buffer {
  const bytes = Buffer.alloc(1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = i % 256;
  return bytes;
}

/** Names in `dir` (none, when it does not exist). */
export function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Asserts that nothing a transfer staged (`.x.rexec-….tmp`, `.old`) is left in `dir`. */
export function expectNoLeftovers(dir: string): void {
  expect(namesIn(dir).filter((name) => name.includes('.rexec-'))).toEqual([]);
}

/** Mounts a tmpfs of `size` (e.g. `'1m'`) at a new directory; `ro` mounts it read-only. Needs root. */
export function mountTmpfs(size: string, readOnly = false): { dir: string; unmount: () => void } {
  const dir = join(tempDir(), 'mnt');
  mkdirSync(dir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${readOnly ? ',ro' : ''}`, 'tmpfs', dir]);
  return { dir, unmount: () => execFileSync('umount', ['-l', dir]) };
}

/** The TransferError a transfer rejects with (the test fails if it resolves or rejects with anything else). */
export async function failure(promise: Promise<unknown>): Promise<TransferError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TransferError);
  return error as TransferError;
}
