/**
 * Parent side of the containment: runs one task in its own Node process (TypeScript through tsx's
 * loader), with a timeout. Whatever the child does — crash, hang, print
 * garbage, install handlers — comes back as a `ChildOutcome`, never as an exception here.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RESULT_MARKER, type ChildReport, type ChildTask } from './protocol.js';

export type ChildOutcome =
  | (ChildReport & { readonly wallMs: number })
  | { readonly status: 'crashed'; readonly reason: string; readonly wallMs: number }
  | { readonly status: 'hung'; readonly reason: string; readonly wallMs: number };

const CHILD_ENTRY = fileURLToPath(new URL('./child-main.ts', import.meta.url));
const TAIL_CHARS = 500;
const HEAD_CHARS = 300;

const tail = (text: string): string => text.slice(-TAIL_CHARS).trim();

/** The first and last lines a child printed: where an error starts, and how the child ended. */
const headAndTail = (head: string, rest: string): string =>
  (rest.length <= TAIL_CHARS ? `${head}${rest}` : `${head.trim()} … ${tail(rest)}`).trim();

const parseReport = (stdout: string): ChildReport | undefined => {
  const at = stdout.lastIndexOf(RESULT_MARKER);
  if (at < 0) return undefined;
  const line = stdout.slice(at + RESULT_MARKER.length).split('\n', 1)[0] ?? '';
  try {
    return JSON.parse(line) as ChildReport;
  } catch {
    return undefined;
  }
};

/** Children run TypeScript through tsx's loader (resolved from here: the workspace's tsx). */
const loaderFlags = (): string[] => ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];

export interface RunChildOptions {
  readonly timeoutMs: number;
  /** Extra Node flags, e.g. `--expose-gc` for the memory scenario. */
  readonly nodeFlags?: readonly string[];
  /**
   * Answers the child's `requestParent(request)` (child/parent-requests.ts): the faults scenarios ask the
   * parent, which owns the host and the fault proxy, to kill sshd or freeze the proxy. With it the child
   * gets an IPC channel; a handler that throws rejects the child's request with the message.
   */
  readonly onRequest?: (request: unknown) => Promise<unknown>;
}

interface RequestMessage {
  readonly id: number;
  readonly request: unknown;
}

const isRequestMessage = (message: unknown): message is RequestMessage =>
  typeof message === 'object' && message !== null && typeof (message as { id?: unknown }).id === 'number' && 'request' in message;

export function runChild(task: ChildTask, options: RunChildOptions): Promise<ChildOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const { onRequest } = options;
    const child = spawn(process.execPath, [...loaderFlags(), ...(options.nodeFlags ?? []), CHILD_ENTRY, JSON.stringify(task)], {
      stdio: onRequest === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    if (onRequest !== undefined) {
      const reply = (message: object): void => {
        if (child.connected) child.send(message, () => undefined);
      };
      child.on('message', (message: unknown) => {
        if (!isRequestMessage(message)) return;
        onRequest(message.request).then(
          (answer) => reply({ id: message.id, ok: true, answer }),
          (error: unknown) => reply({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
        );
      });
    }
    let stdout = '';
    let stderrHead = '';
    let stderr = '';
    // Both are pipes (stdio above); optional chaining only because the type allows a child without them.
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderrHead.length < HEAD_CHARS) {
        const take = chunk.slice(0, HEAD_CHARS - stderrHead.length);
        stderrHead += take;
        chunk = chunk.slice(take.length);
      }
      stderr = (stderr + chunk).slice(-TAIL_CHARS);
    });
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ status: 'crashed', reason: `could not start: ${error.message}`, wallMs: performance.now() - started });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const report = parseReport(stdout);
      if (report !== undefined) resolve({ ...report, wallMs });
      else if (hung) resolve({ status: 'hung', reason: `no result after ${options.timeoutMs} ms; killed. ${headAndTail(stderrHead, stderr)}`, wallMs });
      else resolve({ status: 'crashed', reason: `exited ${signal ?? String(code)} without a result. ${headAndTail(stderrHead, stderr) || tail(stdout)}`, wallMs });
    });
  });
}
