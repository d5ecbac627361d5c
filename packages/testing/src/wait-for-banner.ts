import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

function readBanner(port: number, timeout: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeout);
    timer.unref();
    socket.once('data', (chunk: Buffer) => done(chunk.toString('latin1').startsWith('SSH-')));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/**
 * Waits until a server on 127.0.0.1:port answers with an SSH banner, polling every 50 ms.
 * Gives up after `timeout` ms or as soon as `stillStarting()` says the server is gone.
 */
export async function waitForSshBanner(port: number, timeout: number, stillStarting: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline && stillStarting()) {
    if (await readBanner(port, Math.min(1000, Math.max(1, deadline - Date.now())))) return true;
    await sleep(50);
  }
  return false;
}
