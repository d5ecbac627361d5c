/**
 * node-ssh 13.2.1 as its README shows it: one `NodeSSH` connected once, `execCommand` per command
 * (its own `cwd` and `stdin` options for the deploy steps).
 * Concurrent commands multiplex on its one connection (it has no pool and no TCP_NODELAY setting).
 */
import type { NodeSSH as NodeSshClass } from 'node-ssh';
import { readKey } from './ssh2-client.js';
import type { ExecOptions, Peer, PeerSession } from './peer.js';

const run = async (ssh: NodeSshClass, command: string, options?: ExecOptions): Promise<string> => {
  const result = await ssh.execCommand(command, {
    ...(options?.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options?.stdin === undefined ? {} : { stdin: options.stdin }),
  });
  if (result.code !== 0 && options?.nothrow !== true) throw new Error(`exit ${String(result.code)}: ${result.stderr.slice(0, 200)}`);
  // execCommand trims output; add back the newline so outputs compare equal across peers.
  return result.stdout === '' ? '' : `${result.stdout}\n`;
};

const peer: Peer = {
  load: async (target) => {
    const { NodeSSH } = await import('node-ssh');
    const privateKey = (await readKey(target)).toString('utf8');
    const connect = async (): Promise<NodeSshClass> => {
      const ssh = new NodeSSH();
      await ssh.connect({ host: target.host, port: target.port, username: target.username, privateKey });
      return ssh;
    };
    return {
      open: () => {
        let ssh: Promise<NodeSshClass> | undefined;
        const session: PeerSession = {
          exec: async (command, options) => {
            ssh ??= connect();
            return run(await ssh, command, options);
          },
          close: async () => {
            if (ssh !== undefined) (await ssh).dispose();
          },
        };
        return Promise.resolve(session);
      },
      openIdle: async (n) => {
        const clients: NodeSshClass[] = [];
        for (let i = 0; i < n; i++) clients.push(await connect());
        return {
          exec: (command) => (clients[0] === undefined ? Promise.reject(new Error('no connection')) : run(clients[0], command)),
          close: () => {
            for (const ssh of clients) ssh.dispose();
            return Promise.resolve();
          },
        };
      },
    };
  },
};

export default peer;
