/**
 * The process lifetime rule for tunnels (docs/tunnels.md#keeping-the-process-alive): an open tunnel keeps the
 * process alive (a local tunnel by its listener, a reverse one by its lease); once it is closed the script
 * ends by itself, without closePool(). Each case runs a real child script (fixtures/).
 */
import { testHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, hostArgs, runScript } from '../support/run-script.js';
import { startEchoServer, type EchoServer } from './support.js';

const host = testHost();
let echo: EchoServer;
beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(async () => {
  await echo.close();
});

describe('process lifetime: an open tunnel keeps the process alive', () => {
  for (const kind of ['forward', 'reverse'] as const) {
    it(`${kind}: the script stays up while the tunnel is open, and exits 0 soon after close()`, async () => {
      const run = await runScript(new URL('./fixtures/tunnel-holds-process.ts', import.meta.url), [...hostArgs(host), kind, String(echo.port)], { killAfter: 20_000 });
      expect(run.killed, describeRun(run)).toBe(false);
      // Without the tunnel holding the process: `open`, then the end (the close timer is unref'd).
      expect(run.stdout, describeRun(run)).toEqual(['open', 'closed 0']);
      const openAt = run.lines[0]?.at ?? 0;
      const closedAt = run.lines[1]?.at ?? 0;
      expect(closedAt - openAt).toBeGreaterThanOrEqual(700);
      expect(run.exitedAt - closedAt).toBeLessThan(3_000);
      expect(run.code, describeRun(run)).toBe(0);
      expect(run.stderr).toBe('');
    });
  }
});
