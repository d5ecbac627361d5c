/**
 * `.cd()` and `.env()` on a `$.ssh` tag are applied in the command itself (`cd -- dir && export K=v`),
 * because sshd has no working-directory request and refuses env requests unless `AcceptEnv` allows them.
 * A second sshd that does accept them is the control: it shows the probe would see an accepted env request.
 */
import type { Client } from 'ssh2';
import { startSshHost, testHost, type SshHost, type SshHostInfo } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $ } from '../../src/index.js';
import { targetOf } from './support.js';

const TRICKY = `it's "$HOME" \`id\` ; * $(echo no)\nsecond line`;

/** Runs `command` with an env request for REXEC_PROBE=sent on a raw ssh2 channel; resolves with its stdout. */
function execWithEnvRequest(client: Client, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    client.exec(command, { env: { REXEC_PROBE: 'sent' } }, (error, channel) => {
      if (error) return reject(error);
      let out = '';
      channel.on('data', (chunk: Buffer) => (out += chunk.toString()));
      channel.stderr.resume();
      channel.on('close', () => resolve(out));
      channel.end();
    });
  });
}

/** What an env request for REXEC_PROBE does on `host`: `sent` when sshd accepted it, `unset` when it refused. */
async function envRequestOutcome(host: SshHostInfo): Promise<string> {
  const remote = $.ssh(targetOf(host), { pool: { max: 1 } });
  const conn = await remote.acquire();
  try {
    return await execWithEnvRequest(conn.client, 'printf "%s" "${REXEC_PROBE-unset}"');
  } finally {
    await remote.release(conn);
    await remote.closePool();
  }
}

let accepting: SshHost;
beforeAll(async () => {
  accepting = await startSshHost({ extraConfig: ['AcceptEnv REXEC_*'] });
});
afterAll(async () => {
  await accepting.stop();
});

describe('.cd() and .env() on a $.ssh tag', () => {
  it('run the command in that directory with those variables, values quoted as locally', async () => {
    const remote = $.ssh(targetOf(testHost()));
    const result = await remote.cd('/tmp').env({ REXEC_V: TRICKY })`pwd; printf "%s" "$REXEC_V"`;
    expect(result.stdout).toBe(`/tmp\n${TRICKY}`);
    // Locally the same modifiers give the same output.
    expect((await $.cd('/tmp').env({ REXEC_V: TRICKY })`pwd; printf "%s" "$REXEC_V"`).stdout).toBe(result.stdout);
    // A directory that does not exist fails the command before it runs.
    const missing = await remote.cd('/no/such/dir').nothrow()`echo never`;
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stdout).toBe('');
    await remote.closePool();
  });

  it("the harness sshd refuses env requests (no AcceptEnv); a sshd with AcceptEnv accepts the same request", async () => {
    expect(await envRequestOutcome(testHost())).toBe('unset');
    expect(await envRequestOutcome(accepting)).toBe('sent');
  });

  it('even where sshd would accept env requests, rexec sends none: the variables are exported by the command', async () => {
    // /proc/$$/environ is the environment the session shell was started with, i.e. what env requests set.
    const probe = `tr '\\0' '\\n' < /proc/$$/environ | grep -c '^REXEC_PROBE=' || true; printf "%s" "$REXEC_PROBE"`;
    const remote = $.ssh(targetOf(accepting), { pool: { max: 1 } });
    // Control: an env request does show there.
    const conn = await remote.acquire();
    expect(await execWithEnvRequest(conn.client, probe)).toBe('1\nsent');
    await remote.release(conn);
    const result = await remote.env({ REXEC_PROBE: 'exported' }).raw`${probe}`;
    expect(result.stdout).toBe('0\nexported');
    await remote.closePool();
  });
});
