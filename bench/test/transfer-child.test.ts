/**
 * The transfer section's children against the bench's real hosts (OpenSSH sshd, and the 20 ms RTT proxy):
 * a checked copy counts, a wrong one does not, and a run over its limit is killed and reported hung.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChild } from '../src/child/run-child.js';
import { startBenchHosts, type BenchHosts } from '../src/hosts/bench-hosts.js';
import { transferRowsOf } from '../src/report/transfer-figures.js';
import type { TransferParams, TransferResult } from '../src/scenarios/transfer-types.js';

let hosts: BenchHosts;
let root: string;
let file: string;
const data = randomBytes(1024 * 1024 + 3);
const sha256 = createHash('sha256').update(data).digest('hex');

beforeAll(async () => {
  hosts = await startBenchHosts();
  root = await mkdtemp(join(tmpdir(), 'transfer-child-test-'));
  file = join(root, 'source.bin');
  await writeFile(file, data);
}, 30_000);
afterAll(async () => {
  await hosts.stop();
  await rm(root, { recursive: true, force: true });
});

const fileParams = async (overrides: Partial<TransferParams> = {}): Promise<TransferParams> => ({
  workload: 'file',
  runs: 2,
  budgetMs: 60_000,
  workDir: await mkdtemp(join(root, 'run-')),
  source: file,
  bytes: data.length,
  files: 1,
  sha256,
  sinkPort: 0,
  runTimeoutMs: 20_000,
  ...overrides,
});

const resultOf = (outcome: Awaited<ReturnType<typeof runChild>>): TransferResult => {
  if (outcome.status !== 'ok' || outcome.result.kind !== 'transfer') throw new Error(`child: ${outcome.status} ${'reason' in outcome ? outcome.reason : ''}`);
  return outcome.result;
};

describe('transfer children', () => {
  for (const peer of ['rexec', 'openssh-scp'] as const) {
    it(`${peer} copies a file up and down twice, each run checked (size each run, sha256 after the last)`, async () => {
      const params = await fileParams();
      const result = resultOf(await runChild({ scenario: 'transfer', peer, target: hosts.loopback, params }, { timeoutMs: 60_000 }));
      expect(result.failures).toEqual([]);
      expect(result.samples.map((s) => s.direction)).toEqual(['up', 'down', 'up', 'down']);
      expect(result.samples.every((s) => s.ms > 0 && s.cpuMs >= 0)).toBe(true);
      expect(result.checks).toEqual(['up: size each run, sha256 after the last', 'down: size each run, sha256 after the last']);
    }, 60_000);
  }

  it('a copy that does not match the expected sha256 voids its runs: a wrong transfer never counts', async () => {
    const params = await fileParams({ runs: 1, sha256: '0'.repeat(64) });
    const result = resultOf(await runChild({ scenario: 'transfer', peer: 'rexec', target: hosts.loopback, params }, { timeoutMs: 60_000 }));
    expect(result.samples).toEqual([]);
    expect(result.failures.map((f) => [f.direction, /sha256 .* expected 0000/.test(f.reason)])).toEqual([
      ['up', true],
      ['down', true],
    ]);
  }, 60_000);

  it('a run over its limit is killed, with the process it ran, and the row says hung', async () => {
    const workDir = await mkdtemp(join(root, 'tree-'));
    const tree = join(root, 'tree');
    await mkdir(tree, { recursive: true });
    for (let i = 0; i < 60; i++) await writeFile(join(tree, `f${i}`), randomBytes(100));
    // scp -r goes one file at a time, a few round trips each: 60 files at 20 ms RTT take well over 300 ms.
    const params: TransferParams = { workload: 'tree', runs: 2, budgetMs: 60_000, workDir, source: tree, bytes: 6_000, files: 60, sha256: '', sinkPort: 0, runTimeoutMs: 300 };
    const outcome = await runChild({ scenario: 'transfer', peer: 'openssh-scp', target: hosts.rtt20, params }, { timeoutMs: 60_000 });
    const result = resultOf(outcome);
    expect(result.hung).toMatch(/took over 300 ms; killed/);
    expect(result.samples).toEqual([]);
    const rows = transferRowsOf({ peer: 'openssh-scp', label: 'scp -r', host: 'rtt20', workload: 'tree', bytes: 6_000, files: 60 }, outcome);
    expect(rows.map((row) => row.status)).toEqual(['hung']);
    // No scp left behind working on this run's directory.
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain(workDir);
  }, 60_000);
});
