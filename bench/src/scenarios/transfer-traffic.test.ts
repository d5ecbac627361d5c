import { describe, expect, it } from 'vitest';
import { parseSinkHeader, startTraffic } from './transfer-traffic.js';

describe('parseSinkHeader', () => {
  it('reads a push header, a pull header with its count, and waits for an incomplete one', () => {
    expect(parseSinkHeader(Buffer.from('Pxyz'))).toEqual({ header: { mode: 'push' }, consumed: 1 });
    expect(parseSinkHeader(Buffer.from('G1048576\nrest'))).toEqual({ header: { mode: 'pull', bytes: 1048576 }, consumed: 9 });
    expect(parseSinkHeader(Buffer.from('G104'))).toBeUndefined();
    expect(parseSinkHeader(Buffer.alloc(0))).toBeUndefined();
  });

  it('refuses anything else', () => {
    expect(() => parseSinkHeader(Buffer.from('X'))).toThrow(/header byte/);
    expect(() => parseSinkHeader(Buffer.from('G12a\n'))).toThrow(/byte count/);
    expect(() => parseSinkHeader(Buffer.from(`G${'1'.repeat(40)}`))).toThrow(/too long/);
  });
});

describe('the traffic server, pushed and pulled directly (no tunnel)', () => {
  it('counts every byte pushed and sends every byte pulled', async () => {
    const traffic = await startTraffic();
    try {
      const bytes = 3 * 1024 * 1024 + 17;
      const up = await traffic.handle({ action: 'tunnel-traffic', direction: 'up', port: traffic.port, bytes, timeoutMs: 10_000 });
      const down = await traffic.handle({ action: 'tunnel-traffic', direction: 'down', port: traffic.port, bytes, timeoutMs: 10_000 });
      expect(up.bytes).toBe(bytes);
      expect(down.bytes).toBe(bytes);
      expect(up.ms).toBeGreaterThan(0);
      await expect(traffic.handle({ action: 'something-else' })).rejects.toThrow(/not a traffic request/);
    } finally {
      await traffic.close();
    }
  });

  it('rejects when nothing listens at the port', async () => {
    const traffic = await startTraffic();
    const port = traffic.port;
    await traffic.close();
    const other = await startTraffic();
    try {
      await expect(other.handle({ action: 'tunnel-traffic', direction: 'up', port, bytes: 10, timeoutMs: 5_000 })).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await other.close();
    }
  });
});
