import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countTree, mayRun, sha256File } from './transfer.js';

describe('mayRun', () => {
  it('always runs the first, then up to `runs` while within the budget', () => {
    const params = { runs: 3, budgetMs: 1_000 };
    expect(mayRun(0, params, 50_000)).toBe(true);
    expect(mayRun(1, params, 999)).toBe(true);
    expect(mayRun(1, params, 1_000)).toBe(false);
    expect(mayRun(3, params, 0)).toBe(false);
    expect(mayRun(1, { runs: 1, budgetMs: 1_000 }, 0)).toBe(false);
  });
});

describe('the checks of what arrived', () => {
  it('count files and their bytes, not directories or links, and hash a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'transfer-test-'));
    try {
      await mkdir(join(dir, 'a', 'b'), { recursive: true });
      await writeFile(join(dir, 'one'), 'x'.repeat(10));
      await writeFile(join(dir, 'a', 'b', 'two'), 'y'.repeat(5));
      await symlink('one', join(dir, 'a', 'link'));
      expect(await countTree(dir)).toEqual({ files: 2, bytes: 15 });
      expect(await sha256File(join(dir, 'one'))).toBe(createHash('sha256').update('x'.repeat(10)).digest('hex'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
