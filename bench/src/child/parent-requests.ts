/**
 * Child side of the parent's `onRequest` (run-child.ts): a child started with an IPC channel asks the
 * parent to act (kill sshd, freeze the fault proxy) and gets its answer. Requests are bounded: one the
 * parent does not answer within `timeoutMs` rejects.
 */

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly answer?: unknown;
  readonly error?: string;
}

const pending = new Map<number, { resolve: (answer: unknown) => void; reject: (error: Error) => void }>();
let nextId = 1;
let listening = false;

const isReply = (message: unknown): message is Reply =>
  typeof message === 'object' && message !== null && typeof (message as { id?: unknown }).id === 'number' && 'ok' in message;

function listen(): void {
  if (listening) return;
  listening = true;
  process.on('message', (message: unknown) => {
    if (!isReply(message)) return;
    const waiter = pending.get(message.id);
    if (waiter === undefined) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.answer);
    else waiter.reject(new Error(`the parent could not do it: ${message.error ?? '?'}`));
  });
}

/** Sends `request` to the parent; resolves with its answer. Rejects when there is no IPC channel. */
export function requestParent(request: unknown, timeoutMs = 30_000): Promise<unknown> {
  const send = process.send?.bind(process);
  if (send === undefined) return Promise.reject(new Error('no IPC channel to the parent (runChild without onRequest)'));
  listen();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`the parent did not answer ${JSON.stringify(request)} within ${timeoutMs} ms`));
    }, timeoutMs);
    pending.set(id, {
      resolve: (answer) => {
        clearTimeout(timer);
        resolve(answer);
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
    send({ id, request }, undefined, {}, (error: Error | null) => {
      if (error === null) return;
      pending.delete(id);
      clearTimeout(timer);
      reject(error);
    });
  });
}
