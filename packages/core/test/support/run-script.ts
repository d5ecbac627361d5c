/**
 * Runs a TypeScript script in a child Node process (`node --import tsx`, one process, so a kill reaches the
 * script itself) and collects how it ended: exit code, signal, stdout lines with arrival times, stderr.
 * Workspace packages resolve to their sources, as under vitest (no rebuild needed after a change).
 * Every run is bounded: past `killAfter` ms the child gets SIGKILL and the result says `killed: true`.
 * `signalOn` sends a signal once the script printed a given line (the shutdown tests' Ctrl-C).
 * Used by the process-lifetime tests, which assert that a script exits (or does not exit) by itself.
 * (run-ts-script.ts is the simpler sibling: env instead of argv, exit code and merged output only.)
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SshHostInfo } from '@rexec/testing';
import { tempDir } from './temp-dir.js';

const TSX = createRequire(import.meta.url).resolve('tsx');

/** A tsconfig that maps the workspace packages to their sources, for tsx (`TSX_TSCONFIG_PATH`). */
function sourcesTsconfig(): string {
  const source = (pkg: string): string => fileURLToPath(new URL(`../../../${pkg}/src/index.ts`, import.meta.url));
  const path = join(tempDir(), 'tsconfig.json');
  writeFileSync(path, JSON.stringify({ compilerOptions: { paths: { '@rexec/adapters': [source('adapters')], '@rexec/testing': [source('testing')] } } }));
  return path;
}

export interface ScriptLine {
  readonly text: string;
  /** Epoch ms the line arrived in the parent. */
  readonly at: number;
}

export interface ScriptResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when the run hit `killAfter` and was killed by this helper. */
  readonly killed: boolean;
  readonly lines: readonly ScriptLine[];
  /** The stdout lines' texts, for `toEqual`. */
  readonly stdout: readonly string[];
  readonly stderr: string;
  /** Epoch ms the child was spawned and the one it exited. */
  readonly startedAt: number;
  readonly exitedAt: number;
}

export interface RunScriptOptions {
  /** Ms after which the child is killed with SIGKILL. Default 20 000. */
  readonly killAfter?: number;
  /** Sends `signal` to the child (its pid only, as `kill` would) once a stdout line starting with `line` arrives. */
  readonly signalOn?: { readonly line: string; readonly signal: NodeJS.Signals };
}

/** The argv a `$.ssh` fixture passes to `targetFromArgv()` (test/ssh-pool/fixtures/target-from-argv.ts). */
export function hostArgs(host: SshHostInfo): string[] {
  return [host.host, String(host.port), host.username, host.privateKeyPath, host.knownHostsPath];
}

/** Runs `script` (an absolute path or a `file:` URL) with `args`; resolves when the child has exited. */
export function runScript(script: string | URL, args: readonly string[] = [], options: RunScriptOptions = {}): Promise<ScriptResult> {
  const path = script instanceof URL ? fileURLToPath(script) : script;
  const killAfter = options.killAfter ?? 20_000;
  const startedAt = Date.now();
  const child = spawn(process.execPath, ['--import', TSX, path, ...args], {
    env: { ...process.env, TSX_TSCONFIG_PATH: sourcesTsconfig() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: ScriptLine[] = [];
  let pending = '';
  let stderr = '';
  let killed = false;
  let signalled = false;
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const text of parts) {
      lines.push({ text, at: Date.now() });
      if (!signalled && options.signalOn !== undefined && text.startsWith(options.signalOn.line)) {
        signalled = true;
        child.kill(options.signalOn.signal);
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const guard = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, killAfter);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(guard);
      reject(error);
    });
    // 'close', not 'exit': every byte of stdout and stderr has arrived by then.
    child.once('close', (code, signal) => {
      clearTimeout(guard);
      const exitedAt = Date.now();
      if (pending !== '') lines.push({ text: pending, at: exitedAt });
      resolve({ code, signal, killed, lines, stdout: lines.map((line) => line.text), stderr, startedAt, exitedAt });
    });
  });
}

/** The exit status a shell reports for the run: the exit code, or 128 + n when a signal ended it. */
export function shellStatus(result: ScriptResult): number | null {
  if (result.signal !== null) return 128 + constants.signals[result.signal];
  return result.code;
}

/** One line for an assertion message: how the script ended and what it printed. */
export function describeRun(result: ScriptResult): string {
  const ended = result.killed ? `killed after ${result.exitedAt - result.startedAt} ms` : `exit ${String(result.code)} signal ${String(result.signal)}`;
  return `${ended}; stdout ${JSON.stringify(result.stdout)}; stderr ${JSON.stringify(result.stderr.slice(0, 2_000))}`;
}
