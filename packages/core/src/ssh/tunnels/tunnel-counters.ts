/** The counters behind `tunnel.stats()`, and the two-way splice of one connection through a tunnel. */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { topUpWindow } from './channel-window.js';
import type { TunnelStats } from './tunnel-types.js';

export interface TunnelCounters {
  open: number;
  total: number;
  refused: number;
  failed: number;
  bytesToRemote: number;
  bytesToLocal: number;
}

export function newCounters(): TunnelCounters {
  return { open: 0, total: 0, refused: 0, failed: 0, bytesToRemote: 0, bytesToLocal: 0 };
}

export function snapshot(counters: TunnelCounters): TunnelStats {
  return { ...counters };
}

/** A channel as splice needs it: a Duplex that can be closed. */
export interface SpliceChannel extends Duplex {
  close(): unknown;
}

/**
 * Joins a local socket and an SSH channel both ways (each end's EOF passed on to the other, so half-closed
 * protocols work), counting bytes. When either side closes for good the other is closed too; `onDone` runs
 * once both are closed.
 */
export function splice(socket: Socket, channel: SpliceChannel, counters: TunnelCounters, onDone: () => void): () => void {
  let socketClosed = false;
  let channelClosed = false;
  let finished = false;
  const finish = (): void => {
    if (finished || !socketClosed || !channelClosed) return;
    finished = true;
    onDone();
  };
  socket.on('error', () => undefined);
  channel.on('error', () => undefined);
  socket.on('data', (data: Buffer) => void (counters.bytesToRemote += data.length));
  channel.on('data', (data: Buffer) => {
    counters.bytesToLocal += data.length;
    topUpWindow(channel);
  });
  socket.pipe(channel);
  channel.pipe(socket);
  socket.once('close', () => {
    socketClosed = true;
    closeChannel(channel);
    finish();
  });
  channel.once('close', () => {
    channelClosed = true;
    socket.destroy();
    finish();
  });
  if (socket.destroyed) {
    socketClosed = true;
    closeChannel(channel);
  }
  socket.resume();
  channel.resume();
  return () => {
    socket.destroy();
    closeChannel(channel);
  };
}

function closeChannel(channel: SpliceChannel): void {
  try {
    channel.close();
  } catch {
    // already gone
  }
  // The socket it was piped to is gone, which unpiped (paused) it: read what is left, so its end, and then
  // its close, can come.
  channel.resume();
}
