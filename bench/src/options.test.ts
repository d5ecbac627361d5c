import { describe, expect, it } from 'vitest';
import { BENCH_SECTIONS, BenchUsageError, normalizeBenchOptions } from './options.js';

describe('normalizeBenchOptions', () => {
  it('defaults to a full run of every section that builds and updates the docs', () => {
    expect(normalizeBenchOptions([])).toEqual({ quick: false, build: true, updateDocs: true, sections: BENCH_SECTIONS, help: false });
  });

  it('never updates the docs from a quick run, and ignores the `--` pnpm passes through', () => {
    expect(normalizeBenchOptions(['--', '--quick'])).toMatchObject({ quick: true, updateDocs: false });
  });

  it('takes --no-docs and --no-build', () => {
    expect(normalizeBenchOptions(['--no-docs', '--no-build'])).toMatchObject({ quick: false, build: false, updateDocs: false });
  });

  it('takes --only with one or more sections, in run order, and never updates the docs from a partial run', () => {
    expect(normalizeBenchOptions(['--only', 'pauses'])).toMatchObject({ sections: ['pauses'], updateDocs: false });
    expect(normalizeBenchOptions(['--only=pool,sequential'])).toMatchObject({ sections: ['sequential', 'pool'] });
    expect(normalizeBenchOptions(['--only', BENCH_SECTIONS.join(',')])).toMatchObject({ updateDocs: true });
  });

  it('rejects an unknown argument or section, naming it', () => {
    expect(() => normalizeBenchOptions(['--fast'])).toThrow(BenchUsageError);
    expect(() => normalizeBenchOptions(['--fast'])).toThrow(/"--fast"/);
    expect(() => normalizeBenchOptions(['--only', 'latency'])).toThrow(/"latency"/);
    expect(() => normalizeBenchOptions(['--only'])).toThrow(BenchUsageError);
  });
});
