import type { AddressInfo } from 'node:net';
import ssh2, { type ServerChannel } from 'ssh2';
import { generateKey } from './generate-key.js';

export interface PasswordSshServer {
  readonly port: number;
  /** A known_hosts file trusting this server. */
  readonly knownHosts: string;
  /** Passwords offered to the server, in order (the test checks what arrived). */
  readonly attempts: string[];
  stop(): Promise<void>;
}

/** What the server does with an exec request: it gets the command text and the accepted channel. */
export type ExecResponder = (command: string, channel: ServerChannel) => void;

/** The default responder: runs nothing, answers `ok` and exits 0. */
const answerOk: ExecResponder = (_command, channel) => {
  channel.write('ok\n');
  channel.exit(0);
  channel.end();
};

/**
 * An in-process ssh2 server accepting one user/password, for the password-auth success path: OpenSSH here
 * runs as root, whose password is locked (`*` in /etc/shadow), so sshd cannot accept a password login
 * without changing the machine's accounts. Exec requests run nothing: `respond` answers them (by default
 * `ok` and exit 0), which also lets a test play a server OpenSSH never is (a channel closed with no exit status).
 */
export async function startPasswordSshServer(dir: string, username: string, password: string, respond: ExecResponder = answerOk): Promise<PasswordSshServer> {
  const hostKey = generateKey(dir, 'password_server_host_key');
  const attempts: string[] = [];
  const server = new ssh2.Server({ hostKeys: [hostKey.text] }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password') attempts.push(ctx.password);
      if (ctx.method === 'password' && ctx.username === username && ctx.password === password) return ctx.accept();
      ctx.reject(['password']);
    });
    client.on('session', (accept) => {
      accept().on('exec', (acceptExec, _reject, info) => respond(info.command, acceptExec()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const knownHosts = `${dir}/password_server_known_hosts`;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKey.publicKey}`);
  return { port, knownHosts, attempts, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
