/**
 * Pool microbenchmark: acquire + release per second of a dummy resource for rexec's `createPool`,
 * raw generic-pool and tarn, sequentially (one borrower) and with 100 borrowers on `max: 10`.
 * The figure that matters is our time per operation over raw generic-pool's (target: at most 1.3).
 * Run alone with `pnpm exec tsx bench/src/pool-bench.ts [--quick]` (needs `pnpm build` first).
 */
import { createPool } from '@rexec/core';
import { createPool as createGenericPool } from 'generic-pool';
import { Pool as TarnPool } from 'tarn';
import { pathToFileURL } from 'node:url';

export type PoolBenchLibrary = 'rexec createPool' | 'generic-pool' | 'tarn';
export type PoolBenchScenario = 'sequential' | '100 borrowers, max 10';

export interface PoolBenchResult {
  readonly library: PoolBenchLibrary;
  readonly scenario: PoolBenchScenario;
  /** Acquire + release pairs per measured round. */
  readonly operations: number;
  /** Median over the rounds. */
  readonly opsPerSecond: number;
  readonly nsPerOperation: number;
  /** This library's time per operation over raw generic-pool's in the same scenario (1 for generic-pool). */
  readonly ratioToGenericPool: number;
}

interface BenchPool {
  acquire(): Promise<object>;
  release(resource: object): unknown;
  close(): Promise<void>;
}

const MAX = 10;
const BORROWERS = 100;
const ROUNDS = 5;

const dummy = { create: (): Promise<object> => Promise.resolve({}), destroy: (): Promise<void> => Promise.resolve() };

const MAKERS: Readonly<Record<PoolBenchLibrary, () => BenchPool>> = {
  'rexec createPool': () => {
    const pool = createPool<object>(dummy, { max: MAX, queueSize: BORROWERS });
    return { acquire: () => pool.acquire(), release: (r) => pool.release(r), close: () => pool.clear() };
  },
  'generic-pool': () => {
    const pool = createGenericPool<object>(dummy, { max: MAX });
    return {
      acquire: () => pool.acquire(),
      release: (r) => pool.release(r),
      close: async () => {
        await pool.drain();
        await pool.clear();
      },
    };
  },
  tarn: () => {
    const pool = new TarnPool<object>({ create: dummy.create, destroy: () => undefined, min: 0, max: MAX, acquireTimeoutMillis: 60_000 });
    return { acquire: () => pool.acquire().promise, release: (r) => pool.release(r), close: () => pool.destroy().then(() => undefined) };
  },
};

async function runScenario(pool: BenchPool, scenario: PoolBenchScenario, operations: number): Promise<number> {
  const loop = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i += 1) {
      const resource = await pool.acquire();
      await pool.release(resource);
    }
  };
  const started = process.hrtime.bigint();
  if (scenario === 'sequential') await loop(operations);
  else await Promise.all(Array.from({ length: BORROWERS }, () => loop(operations / BORROWERS)));
  return Number(process.hrtime.bigint() - started) / operations;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export async function runPoolBench(options: { quick: boolean }): Promise<PoolBenchResult[]> {
  const operations = options.quick ? 20_000 : 200_000;
  const libraries = Object.keys(MAKERS) as PoolBenchLibrary[];
  const scenarios: PoolBenchScenario[] = ['sequential', '100 borrowers, max 10'];
  const samples = new Map<string, number[]>();
  for (const scenario of scenarios) {
    // Rounds interleave the libraries, so a slow moment of a shared machine hits them all alike.
    for (let round = 0; round <= ROUNDS; round += 1) {
      for (const library of libraries) {
        const pool = MAKERS[library]();
        const ns = await runScenario(pool, scenario, round === 0 ? operations / 10 : operations);
        await pool.close();
        if (round > 0) samples.set(`${library}|${scenario}`, [...(samples.get(`${library}|${scenario}`) ?? []), ns]);
      }
    }
  }
  const results: PoolBenchResult[] = [];
  for (const scenario of scenarios) {
    const baseline = median(samples.get(`generic-pool|${scenario}`) ?? []);
    for (const library of libraries) {
      const ns = median(samples.get(`${library}|${scenario}`) ?? []);
      results.push({ library, scenario, operations, opsPerSecond: Math.round(1e9 / ns), nsPerOperation: Math.round(ns), ratioToGenericPool: Number((ns / baseline).toFixed(3)) });
    }
  }
  return results;
}

/** Our worst ratio to raw generic-pool across the scenarios (the figure the 1.3 target applies to). */
export function overheadRatio(results: readonly PoolBenchResult[]): number {
  return Math.max(...results.filter((r) => r.library === 'rexec createPool').map((r) => r.ratioToGenericPool));
}

function printTable(results: readonly PoolBenchResult[]): void {
  const rows = results.map((r) => `${r.scenario.padEnd(22)} ${r.library.padEnd(17)} ${String(r.opsPerSecond).padStart(10)} ops/s ${String(r.nsPerOperation).padStart(7)} ns/op  x${r.ratioToGenericPool.toFixed(2)} vs generic-pool`);
  console.log(['acquire + release of a dummy resource (median of 5 rounds)', ...rows, `overhead ratio (ours / generic-pool, worst scenario): ${overheadRatio(results).toFixed(2)}`].join('\n'));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable(await runPoolBench({ quick: process.argv.includes('--quick') }));
}
