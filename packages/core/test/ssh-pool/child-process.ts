/** Runs a fixture script under tsx in a child process, collecting its output lines with arrival times. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SshHostInfo } from '@rexec/testing';

const TSX = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));

export interface ChildRun {
  readonly lines: { text: string; at: number }[];
  /** Resolves with how the child ended and when. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  kill(signal: NodeJS.Signals): void;
  /** Resolves when a line starting with `prefix` arrived (rejects after `timeout` ms). */
  waitForLine(prefix: string, timeout?: number): Promise<{ text: string; at: number }>;
}

export function runFixture(name: string, host: SshHostInfo, extraArgs: readonly string[] = []): ChildRun {
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const args = [script, host.host, String(host.port), host.username, host.privateKeyPath, host.knownHostsPath, ...extraArgs];
  const child = spawn(TSX, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: { text: string; at: number }[] = [];
  const waiters: (() => void)[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const text of parts) lines.push({ text, at: Date.now() });
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once('exit', (code, signal) => {
      if (stderr !== '') process.stderr.write(`[${name} stderr]\n${stderr}\n`);
      for (const wake of waiters.splice(0)) wake();
      resolve({ code, signal, at: Date.now() });
    });
  });
  return {
    lines,
    exited,
    kill: (signal) => child.kill(signal),
    waitForLine(prefix, timeout = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line starting with "${prefix}" from ${name} within ${timeout} ms; got ${JSON.stringify(lines)}`)), timeout);
        const check = (): void => {
          const found = lines.find((line) => line.text.startsWith(prefix));
          if (found !== undefined) {
            clearTimeout(timer);
            resolve(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            reject(new Error(`${name} exited before printing "${prefix}"; lines ${JSON.stringify(lines)}`));
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}
