/**
 * The progress display of `all` / `each`: plain lines when the stream is not a terminal, redrawn in place
 * (log-update) when it is; verbose lines go above it.
 */
import { startSshHosts, type SshHostSet } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { $ } from '../../src/index.js';
import { deadPort, loginOf, targetName } from './support.js';

let set: SshHostSet;
beforeAll(async () => {
  set = await startSshHosts(3);
});
afterAll(() => set.stop());

function stream(isTTY: boolean): { readonly text: () => string; write(chunk: string): boolean; isTTY: boolean; columns: number; rows: number } {
  let written = '';
  return { text: () => written, write: (chunk: string) => ((written += chunk), true), isTTY, columns: 120, rows: 40 };
}

describe('progress', () => {
  it('not a terminal: one plain line per host, then a summary', async () => {
    const out = stream(false);
    const down = { ...loginOf(set.hosts[0]!), port: await deadPort() };
    const group = $.ssh.group([...set.hosts.map((host) => loginOf(host)), down], { pool: { retryAttempts: 0 }, progress: { stream: out } });
    onTestFinished(() => group.closePool());
    await group.all`true`;
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    for (const name of set.hosts.map(targetName)) expect(lines.some((line) => /^\[\d\/4\] ok +/.test(line) && line.includes(name))).toBe(true);
    expect(lines.find((line) => line.includes(`:${down.port}`))).toMatch(/FAILED .*refused/i);
    expect(lines[4]).toMatch(/^4 hosts: 3 ok, 1 failed in .* \([\d.]+ hosts\/s\); slowest: /);
    expect(out.text()).not.toContain('\u001b['); // no escape codes in a log
  });

  it('a terminal: redrawn in place with log-update; verbose lines above it; the summary stays', async () => {
    const out = stream(true);
    const group = $.ssh.group(set.hosts.map((host) => loginOf(host)), { progress: { stream: out } });
    onTestFinished(() => group.closePool());
    const records = await group.all.with({ verbose: true })`echo hello; sleep 0.3`;
    expect(records.every((r) => r.ok)).toBe(true);
    const text = out.text();
    expect(text).toContain('\u001b['); // cursor moves and line erases
    expect(text).toMatch(/\d\/3 hosts · \d ok · 0 failed · \d running · [\d.]+ hosts\/s/);
    expect(text).toMatch(/slowest running: /);
    for (const name of set.hosts.map(targetName)) expect(text).toContain(`[${name}] hello`);
    expect(text).toMatch(/3 hosts: 3 ok, 0 failed in/);
  });

  it('off by default: nothing is written', async () => {
    const out = stream(false);
    const group = $.ssh.group(set.hosts.map((host) => loginOf(host)));
    onTestFinished(() => group.closePool());
    await group.all`true`;
    expect(out.text()).toBe('');
  });
});
