/**
 * A remote command whose stdin and stdout are byte streams (a `tar` at the other end of a transfer), on its
 * own exec channel: one lease of the pool from open to close. Unlike a tag command it has no output limit and
 * no process-group kill: closing the channel ends it (the remote tar sees EOF or a broken pipe).
 */
import type { ClientChannel } from 'ssh2';
import type { ChannelLeases, ChannelLeaseOptions } from '../channels/channel-leases.js';
import type { SshConnection } from '../connection/ssh-connection.js';

/** stderr kept for the error message. */
const STDERR_LIMIT = 16 * 1024;

export interface ExecOutcome {
  /** The exit status, null when the channel closed without one (the connection was lost). */
  readonly code: number | null;
  readonly signal: string | null;
  readonly stderr: string;
}

export interface ExecStream {
  readonly channel: ClientChannel;
  /** The connection it runs on (`isOpen` false once that connection was lost). */
  readonly conn: SshConnection;
  /** Settles once the channel closed. */
  readonly done: Promise<ExecOutcome>;
  /** Closes the channel (the remote command sees EOF / a broken pipe). */
  close(): void;
}

export async function openExecStream(channels: ChannelLeases, command: string, options: ChannelLeaseOptions): Promise<ExecStream> {
  let outcome: Promise<ExecOutcome> | undefined;
  const held = await channels.open<ClientChannel>(
    'session',
    (client, done) =>
      client.exec(command, (error, channel) => {
        // Listeners go on inside ssh2's callback: the exit status may be parsed in the same tick.
        if (error === undefined) outcome = watch(channel);
        done(error, channel);
      }),
    options,
  );
  const channel = held.channel;
  const finished = (outcome ?? watch(channel)).finally(() => held.release());
  return {
    channel,
    conn: held.conn,
    done: finished,
    close: () => {
      try {
        channel.close();
      } catch {
        // already closed
      }
    },
  };
}

function watch(channel: ClientChannel): Promise<ExecOutcome> {
  let code: number | null = null;
  let signal: string | null = null;
  let stderr = '';
  channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
    code = typeof exitCode === 'number' ? exitCode : null;
    signal = typeof exitSignal === 'string' ? exitSignal : null;
  });
  channel.on('error', () => undefined);
  channel.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < STDERR_LIMIT) stderr += chunk.toString('utf8');
  });
  channel.stderr.on('error', () => undefined);
  return new Promise<ExecOutcome>((resolve) => {
    channel.once('close', () => resolve({ code, signal, stderr: stderr.slice(0, STDERR_LIMIT) }));
  });
}
