/**
 * Tunnels over pooled connections (docs/tunnels.md): a local port that leads to a port on the remote host,
 * and a remote port that leads back here. Each connection through a tunnel is one channel of a pooled
 * connection, counted by the pool like a command.
 *   pnpm exec tsx examples/tunnels.ts
 *   REXEC_DEMO_TARGET=me@box pnpm exec tsx examples/tunnels.ts
 */
import { connect } from 'node:net';
import { createServer } from 'node:http';
import { $ } from '@rexec/core';
import { withDemoTarget } from './lib/demo-host.js';

/** Opens a TCP connection and resolves with the first line the other side sends. */
function firstLine(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    socket.on('data', (data: Buffer) => {
      text += data.toString();
      if (text.includes('\n')) {
        resolve(text.split('\n')[0]?.trim() ?? '');
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}

/** A plain HTTP GET of http://127.0.0.1:<port>/, through whatever listens there. */
async function httpGet(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/`);
  return response.text();
}

await withDemoTarget(async ({ target }) => {
  const remote = $.ssh(target);

  // 1. forward: a local port that leads to the remote host's own sshd (its port, as the remote sees it).
  const sshdPort = Number((await remote`echo $SSH_CONNECTION`.text()).trim().split(' ')[3]);
  const toSshd = await remote.forward({ remoteHost: '127.0.0.1', remotePort: sshdPort });
  console.log(`forward: 127.0.0.1:${toSshd.localPort} → remote 127.0.0.1:${sshdPort}`);
  console.log(`banner through the tunnel: ${(await firstLine(toSshd.localPort)).split(' ')[0]}`);

  // 2. forwardRemote: a port on the remote host that leads back to an HTTP server on this machine.
  const server = createServer((_request, response) => response.end('hello from this machine'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const localPort = (server.address() as { port: number }).port;
  const back = await remote.forwardRemote({ remotePort: 0, localHost: '127.0.0.1', localPort });
  console.log(`forwardRemote: remote 127.0.0.1:${back.remotePort} → 127.0.0.1:${localPort}`);

  // 3. Both at once: here → (forward) → the remote port → (forwardRemote) → the HTTP server here.
  const loop = await remote.forward({ remoteHost: '127.0.0.1', remotePort: back.remotePort ?? 0 }, { maxConnections: 20 });
  const replies = await Promise.all(Array.from({ length: 10 }, () => httpGet(loop.localPort)));
  console.log(`10 requests through both tunnels: ${replies.every((reply) => reply === 'hello from this machine') ? 'all answered' : 'some failed'}`);
  const stats = loop.stats();
  console.log(`forward stats: ${stats.total} connections, ${stats.bytesToRemote} bytes out, ${stats.bytesToLocal} bytes back`);

  // Tunnels keep the process alive while open: close them (closePool() would too).
  await Promise.all([toSshd.close(), loop.close(), back.close()]);
  server.close();
  console.log(`tunnels closed, leases held: ${remote.getPoolStats().leases}`);
  await remote.closePool();
});
