import { describe, expect, it } from 'vitest';
import { BenchUsageError, normalizeBenchOptions } from './options.js';

describe('normalizeBenchOptions', () => {
  it('defaults to a full run that builds and updates the docs', () => {
    expect(normalizeBenchOptions([])).toEqual({ quick: false, build: true, updateDocs: true, help: false });
  });

  it('never updates the docs from a quick run, and ignores the `--` pnpm passes through', () => {
    expect(normalizeBenchOptions(['--', '--quick'])).toMatchObject({ quick: true, updateDocs: false });
  });

  it('takes --no-docs and --no-build', () => {
    expect(normalizeBenchOptions(['--no-docs', '--no-build'])).toMatchObject({ quick: false, build: false, updateDocs: false });
  });

  it('rejects an unknown argument, naming it', () => {
    expect(() => normalizeBenchOptions(['--fast'])).toThrow(BenchUsageError);
    expect(() => normalizeBenchOptions(['--fast'])).toThrow(/"--fast"/);
  });
});
