import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { isAlive } from '@rexec/testing';

const fixture = fileURLToPath(new URL('./fixtures/exit-while-running.ts', import.meta.url));

describe('LocalAdapter: the parent exits while a command runs', () => {
  it('kills the command tree on process.exit()', async () => {
    const { stdout } = await execa(process.execPath, ['--import', 'tsx', fixture], { timeout: 20_000 });
    const pids = stdout.trim().split(' ').map(Number);
    expect(pids).toHaveLength(2);
    const until = Date.now() + 5000;
    let alive = pids;
    while (alive.length > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      alive = (await Promise.all(pids.map(async (pid) => ((await isAlive(pid)) ? pid : undefined)))).filter(
        (pid): pid is number => pid !== undefined,
      );
    }
    expect(alive).toEqual([]);
  });
});
