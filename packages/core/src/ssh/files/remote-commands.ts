/**
 * The shell commands a transfer runs on the remote host: is there a `tar`, the two ends of a tar stream,
 * sha256 of files (`sha256sum`, else `shasum -a 256`), `rm -rf`. Every path is one quoted word (`quote`)
 * after `--` or behind `cd --`, so names with spaces, quotes, newlines or a leading dash are taken as they are.
 */
import { quote } from '@rexec/adapters';
import type { ChannelLeases } from '../channels/channel-leases.js';

/** Exit status of the sha256 script when the host has neither tool. */
export const NO_SHA256_EXIT = 3;
/** Exit status of the extract script when the archive ended before its end marker. */
export const INCOMPLETE_ARCHIVE_EXIT = 98;
/** Scripts stay below Linux's limit on one argument (128 KiB: sshd passes the command to `$SHELL -c`). */
const SCRIPT_LIMIT = 64 * 1024;

/** Whether the remote host has `tar` on its PATH. */
export async function remoteHasTar(channels: ChannelLeases): Promise<boolean> {
  const result = await channels.run({ command: 'command -v tar >/dev/null 2>&1' });
  return result.exitCode === 0;
}

/**
 * Extracts the tar stream on stdin into `dir` (which exists). `marker` is the archive's last entry: without
 * it the stream was cut, and nothing extracted is kept. On failure the directory is removed when `removeOnFailure`.
 * SIGPIPE is ignored so a dropped connection (stderr gone) still lets the script clean up.
 */
export function extractScript(dir: string, marker: string, keepTimes: boolean, removeOnFailure: boolean): string {
  const q = quote(dir);
  const m = quote(`./${marker}`);
  const cleanup = removeOnFailure ? `cd / && rm -rf -- ${q}\n` : `rm -f -- ${m}\n`;
  return [
    "trap '' PIPE",
    `cd -- ${q} || exit 97`,
    `tar -x${keepTimes ? '' : 'm'}pof -`,
    's=$?',
    `if [ "$s" -eq 0 ] && [ -f ${m} ]; then rm -f -- ${m}; exit 0; fi`,
    `if [ "$s" -eq 0 ]; then echo 'rexec: the archive ended early' >&2; s=${INCOMPLETE_ARCHIVE_EXIT}; fi`,
    `${cleanup}exit "$s"`,
  ].join('\n');
}

/** Writes a tar stream of everything under `dir` to stdout (symlinks as links). */
export function createScript(dir: string): string {
  return `cd -- ${quote(dir)} || exit 97\nexec tar -cf - .`;
}

/**
 * The sha256 (hex) of each of `paths` on the remote host, in order; undefined for one that could not be read.
 * Throws `NoSha256Error` when the host has neither `sha256sum` nor `shasum`.
 */
export async function remoteSha256(channels: ChannelLeases, paths: readonly string[]): Promise<Array<string | undefined>> {
  const prelude = [
    'if command -v sha256sum >/dev/null 2>&1; then h() { sha256sum; }',
    'elif command -v shasum >/dev/null 2>&1; then h() { shasum -a 256; }',
    `else echo 'rexec: neither sha256sum nor shasum is installed' >&2; exit ${NO_SHA256_EXIT}; fi`,
  ].join('\n');
  const digests: Array<string | undefined> = [];
  let batch: string[] = [];
  let length = prelude.length;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = await channels.run({ command: `${prelude}\n${batch.join('\n')}`, maxBuffer: 1024 * 1024 });
    if (result.exitCode === NO_SHA256_EXIT) throw new NoSha256Error(result.stderr.trim());
    const lines = result.stdout.split('\n');
    for (let i = 0; i < batch.length; i++) {
      const match = /^([0-9a-f]{64})\b/.exec(lines[i] ?? '');
      digests.push(match?.[1]);
    }
    batch = [];
    length = prelude.length;
  };
  for (const path of paths) {
    const line = `h < ${quote(path)} 2>/dev/null || echo unreadable`;
    if (length + line.length + 1 > SCRIPT_LIMIT) await flush();
    batch.push(line);
    length += line.length + 1;
  }
  await flush();
  return digests;
}

export class NoSha256Error extends Error {
  override readonly name = 'NoSha256Error';
}

/** `rm -rf -- path` on the remote host; false when it could not run or failed. */
export async function removeRemote(channels: ChannelLeases, path: string, timeout = 60_000): Promise<boolean> {
  try {
    const result = await channels.run({ command: `rm -rf -- ${quote(path)}`, timeout });
    return result.exitCode === 0;
  } catch {
    return false;
  }
}
