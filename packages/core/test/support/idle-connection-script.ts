/**
 * Child-process script for the "idle connections never keep the process alive" test: connects, runs one
 * command, prints its output and returns WITHOUT closing the connection. The process must then exit by itself.
 * Input: REXEC_TEST_HOST (JSON of SshHostInfo), REXEC_TEST_KEEPALIVE (ms).
 */
import type { SshHostInfo } from '@rexec/testing';
import { connectSsh } from '../../src/ssh/connection/connect-ssh.js';
import { resolveTestHost } from './resolve-test-host.js';

const host = JSON.parse(process.env['REXEC_TEST_HOST'] ?? '{}') as SshHostInfo;
const keepaliveInterval = Number(process.env['REXEC_TEST_KEEPALIVE'] ?? '15000');
const conn = await connectSsh(resolveTestHost(host, { keepaliveInterval }));
const result = await conn.exec({ command: 'echo remote-done' });
process.stdout.write(`${result.stdout.trim()} open=${String(conn.isOpen)}\n`);
