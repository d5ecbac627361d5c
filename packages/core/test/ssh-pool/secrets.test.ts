/**
 * No password, passphrase or private key text in any event payload, error, ProcessOutput.command,
 * or util.inspect of the tag, the pool handle or a borrowed connection: we search the serialized objects.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { testHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $ } from '../../src/index.js';
import type { PoolEventName } from '../../src/pool/types.js';
import { targetOf } from './support.js';

const PASSWORD = 'pw-Zebra-4417-secret';
const PASSPHRASE = 'pp-Quartz-9931-secret';
const EVENTS: readonly PoolEventName[] = [
  'connection:create', 'connection:acquire', 'connection:release', 'connection:destroy', 'connection:state',
  'pool:queue:full', 'pool:error', 'pool:leak', 'pool:metrics', 'circuit:open', 'circuit:half-open', 'circuit:close',
];

const host = testHost();
let dir: string;
let keyPath: string;
let keyLines: string[];

/** Everything `value` shows when serialized every way a user might (inspect deep and hidden, JSON, String). */
function serialize(value: unknown): string {
  const views = [inspect(value, { depth: 8, showHidden: true, getters: true }), String(value)];
  try {
    views.push(JSON.stringify(value) ?? '');
  } catch {
    // circular: inspect covers it
  }
  if (value instanceof Error) views.push(value.message, value.stack ?? '', serialize(value.cause));
  return views.join('\n');
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(PASSPHRASE);
  for (const line of keyLines) expect(text).not.toContain(line);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rexec-secrets-'));
  keyPath = join(dir, 'id_encrypted');
  copyFileSync(host.privateKeyPath, keyPath);
  execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', PASSPHRASE, '-f', keyPath]);
  // The base64 body lines of both the plain and the encrypted key.
  keyLines = [host.privateKey, readFileSync(keyPath, 'utf8')]
    .flatMap((text) => text.split('\n'))
    .filter((line) => line.length >= 40 && !line.startsWith('-----'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('secrets never show', () => {
  it('in events, results, errors and inspect output of the tag, the handle and a borrowed connection', async () => {
    const remote = $.ssh(targetOf(host, { privateKey: keyPath, passphrase: PASSPHRASE, password: PASSWORD }), {
      pool: { max: 2, metrics: true, metricsInterval: 50 },
    });
    const seen: unknown[] = [];
    for (const event of EVENTS) remote.on(event, (payload) => seen.push(payload));

    const echoed = await remote`echo ${PASSWORD} ${PASSPHRASE}`;
    expect(echoed.stdout).toBe(`${PASSWORD} ${PASSPHRASE}\n`);
    expect(echoed.command).not.toContain(PASSWORD);
    expect(echoed.command).toContain('***');
    // Fails with the secrets in its command line: the error shows the command, masked.
    const failed = await remote`test ${PASSWORD} = ${PASSPHRASE}`.catch((error: unknown) => error);
    expect((failed as Error).message).toContain('***');
    const conn = await remote.acquire();
    const borrowed = await conn.exec('echo borrowed');
    const stats = conn.getStats();
    await Promise.all(Array.from({ length: 6 }, () => remote`sleep 0.05`));
    await new Promise((resolve) => setTimeout(resolve, 120));
    const views = [
      serialize(remote),
      serialize(remote.cd('/tmp')),
      serialize(remote.getPoolStats()),
      serialize(conn),
      serialize(conn.client),
      serialize(stats),
      serialize(borrowed),
      // Its stdout is what the command printed (the secrets, on purpose); everything else must be clean.
      serialize({ ...echoed, stdout: '' }),
      serialize(failed),
      ...seen.map(serialize),
    ];
    await remote.release(conn);
    await remote.closePool();
    expect(seen.length).toBeGreaterThan(5);
    for (const view of views) expectNoSecret(view);
  });

  it('in connection and authentication errors', async () => {
    const refused = $.ssh(targetOf(host, { port: 1, privateKey: keyPath, passphrase: PASSPHRASE, password: PASSWORD }), {
      pool: { retryAttempts: 0 },
    });
    const connectError = await refused`true`.catch((error: unknown) => error);
    expect(connectError).toBeInstanceOf(Error);
    expectNoSecret(serialize(connectError));
    await refused.closePool();

    const wrongUser = $.ssh(targetOf(host, { username: 'nobody-here', password: PASSWORD, privateKey: keyPath, passphrase: PASSPHRASE }), {
      pool: { retryAttempts: 0 },
    });
    const authError = await wrongUser`true`.catch((error: unknown) => error);
    expect(authError).toBeInstanceOf(Error);
    expectNoSecret(serialize(authError));
    await wrongUser.closePool();
  });

  it('when the key is given as text: in the tag, results, and config, host key and authentication errors', async () => {
    const keyText = readFileSync(keyPath, 'utf8');
    const remote = $.ssh(targetOf(host, { privateKey: keyText, passphrase: PASSPHRASE, password: PASSWORD }), { pool: { retryAttempts: 0 } });
    const result = await remote`echo fine`;
    const failures: unknown[] = [];
    const capture = (run: () => unknown): void => {
      try {
        failures.push(run());
      } catch (error) {
        failures.push(error);
      }
    };
    // A key text that is cut short, and one whose passphrase is not the one given: ConfigErrors.
    const truncated = keyText.split('\n').slice(0, 4).join('\n');
    capture(() => $.ssh(targetOf(host, { privateKey: truncated, passphrase: PASSPHRASE })));
    const wrongPassphrase = $.ssh(targetOf(host, { privateKey: keyText, passphrase: `${PASSPHRASE}-not`, password: PASSWORD }), { pool: { retryAttempts: 0 } });
    failures.push(await wrongPassphrase`true`.catch((error: unknown) => error));
    // Refused on its host key before any credential is sent, and refused by sshd for a user it does not know.
    const unknownHost = $.ssh(targetOf(host, { knownHosts: join(dir, 'no_known_hosts'), privateKey: keyText, passphrase: PASSPHRASE }), { pool: { retryAttempts: 0 } });
    failures.push(await unknownHost`true`.catch((error: unknown) => error));
    const stranger = $.ssh(targetOf(host, { username: 'nobody-here', privateKey: keyText, passphrase: PASSPHRASE, password: PASSWORD }), { pool: { retryAttempts: 0 } });
    failures.push(await stranger`true`.catch((error: unknown) => error));
    expect(failures.map((failure) => (failure as Error).name)).toEqual(['ConfigError', 'ConfigError', 'HostKeyError', 'AuthenticationError']);
    for (const view of [serialize(remote), serialize(result), ...failures.map(serialize)]) {
      expectNoSecret(view);
      expect(view).not.toContain(`${PASSPHRASE}-not`);
    }
    await Promise.all([remote, wrongPassphrase, unknownHost, stranger].map((handle) => handle.closePool()));
  });
});
