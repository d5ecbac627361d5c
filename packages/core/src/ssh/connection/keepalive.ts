/** SSH-level keepalive for one connection, on an unref'd timer (it never keeps the process alive). */
export interface Keepalive {
  stop(): void;
  /** Requests sent and replies received so far. */
  readonly stats: { readonly sent: number; readonly answered: number };
}

export interface KeepaliveOptions {
  /** Milliseconds between requests; 0 starts nothing. */
  readonly interval: number;
  /** Unanswered requests in a row after which the peer is declared dead (OpenSSH `ServerAliveCountMax`). */
  readonly countMax: number;
  /** Sends one request; calls `onReply` when answered; returns false when it cannot send. */
  readonly send: (onReply: () => void) => boolean;
  /** Called once when `countMax` requests went unanswered. */
  readonly onDead: () => void;
}

/** Sends a keepalive every `interval` ms; `countMax` unanswered in a row → `onDead()` and stop. */
export function startKeepalive(options: KeepaliveOptions): Keepalive {
  let sent = 0;
  let answered = 0;
  let unanswered = 0;
  let timer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  const tick = (): void => {
    if (unanswered >= options.countMax) {
      stop();
      options.onDead();
      return;
    }
    const ok = options.send(() => {
      answered++;
      unanswered = 0;
    });
    if (!ok) return stop();
    sent++;
    unanswered++;
  };
  if (options.interval > 0) {
    timer = setInterval(tick, options.interval);
    timer.unref();
  }
  return {
    stop,
    get stats() {
      return { sent, answered };
    },
  };
}
