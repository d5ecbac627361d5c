/**
 * Reads the pool microbenchmark's result (`runPoolBench` in bench/src/pool-bench.ts, written with
 * the pool): rows of `{ library, scenario, opsPerSecond, nsPerOperation, ratioToGenericPool }`.
 * Read defensively, since the shape is not ours: a missing figure makes the target `n/a`.
 */
import { fmt } from './stats.js';

export interface PoolRow {
  readonly library: string;
  readonly scenario: string;
  readonly opsPerSecond: number;
  readonly nsPerOperation: number;
  readonly ratioToGenericPool: number;
}

export interface PoolOverhead {
  readonly ratio: number;
  readonly detail: string;
}

const isPoolRow = (value: unknown): value is PoolRow => {
  if (typeof value !== 'object' || value === null) return false;
  const row = value as Record<string, unknown>;
  return typeof row['library'] === 'string' && typeof row['scenario'] === 'string' && typeof row['ratioToGenericPool'] === 'number';
};

export const poolRows = (data: unknown): PoolRow[] => (Array.isArray(data) ? data.filter(isPoolRow) : []);

/** The worst scenario's ratio of rexec's createPool time per acquire+release to raw generic-pool's. */
export function poolOverheadRatio(data: unknown): PoolOverhead {
  const ours = poolRows(data).filter((row) => row.library === 'rexec createPool');
  if (ours.length === 0) return { ratio: Number.NaN, detail: 'pool microbenchmark not available' };
  return {
    ratio: Math.max(...ours.map((row) => row.ratioToGenericPool)),
    detail: ours.map((row) => `${row.scenario} ${fmt(row.ratioToGenericPool)}×`).join(', '),
  };
}
