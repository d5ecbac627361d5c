/**
 * Median latency of one `true` on loopback: pooled `$.ssh` vs a fresh connection per command vs a raw
 * ssh2 exec on a held connection (setNoDelay(true)). Not a test: run it by hand and read the table.
 *   pnpm --filter @rexec/adapters build && pnpm exec tsx packages/core/test/ssh-pool/measure-latency.ts
 * The host skips ~/.bashrc (SetEnv SHLVL=1), so the numbers are the transport's, not the shell's start-up.
 */
import { connect as connectTcp } from 'node:net';
import { startSshHost } from '@rexec/testing';
import { Client } from 'ssh2';
import { $ } from '../../src/index.js';
import { targetOf } from './support.js';

const ROUNDS = Number(process.env['ROUNDS'] ?? 200);
const FRESH_ROUNDS = Math.min(ROUNDS, 40);

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function time(rounds: number, run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 5; i++) await run(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

function rawExec(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    client.exec('true', (error, channel) => {
      if (error !== undefined) return reject(error);
      channel.on('close', () => resolve());
      channel.resume();
      channel.stderr.resume();
    });
  });
}

const host = await startSshHost({ extraConfig: ['SetEnv SHLVL=1'] });
try {
  const target = targetOf(host);
  const pooled = $.ssh(target);
  const pooledMs = await time(ROUNDS, () => pooled`true`);
  await pooled.closePool();

  const freshMs = await time(FRESH_ROUNDS, async () => {
    const fresh = $.ssh(target, { pool: { max: 1 } });
    await fresh`true`;
    await fresh.closePool();
  });

  const client = new Client();
  const socket = connectTcp({ host: host.host, port: host.port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve()).once('error', reject);
    client.connect({ sock: socket, username: host.username, privateKey: host.privateKey });
  });
  const rawMs = await time(ROUNDS, () => rawExec(client));
  client.end();

  const row = (name: string, ms: number): string => `${name.padEnd(42)} ${ms.toFixed(2).padStart(8)} ms   ${(ms / rawMs).toFixed(2)}x raw`;
  console.log(`median of ${ROUNDS} sequential \`true\` (fresh: ${FRESH_ROUNDS}), ${host.kind} sshd on 127.0.0.1`);
  console.log(row('raw ssh2 exec, held connection, no Nagle', rawMs));
  console.log(row('$.ssh pooled', pooledMs));
  console.log(row('$.ssh fresh connection per command', freshMs));
} finally {
  await host.stop();
}
