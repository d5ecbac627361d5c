import type { Adapter, ExecResult, ExecSpec } from '@rexec/adapters';

export type Responder = (spec: ExecSpec) => Partial<ExecResult> | Promise<Partial<ExecResult>>;

/** A fake adapter for pure command logic: records every spec and answers with `respond`. */
export class RecordingAdapter implements Adapter {
  readonly specs: ExecSpec[] = [];
  disposed = 0;

  constructor(
    private readonly respond: Responder = () => ({}),
    readonly target = 'deploy@web1:22',
  ) {}

  async exec(spec: ExecSpec): Promise<ExecResult> {
    this.specs.push(spec);
    const answer = await this.respond(spec);
    return {
      stdout: '',
      stderr: '',
      exitCode: 0,
      signal: null,
      timedOut: false,
      isCanceled: false,
      isMaxBuffer: false,
      duration: 1,
      ...answer,
    };
  }

  dispose(): Promise<void> {
    this.disposed++;
    return Promise.resolve();
  }
}

/** Resolves after pending microtasks and one macrotask turn. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
