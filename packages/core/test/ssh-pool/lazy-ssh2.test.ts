import { testHost } from '@rexec/testing';
import { describe, expect, it } from 'vitest';
import { runFixture } from './child-process.js';

describe('ssh2 is loaded lazily', () => {
  it('a script that imports rexec and runs local commands (or only names a target) loads none of ssh2', async () => {
    const child = runFixture('local-only.ts', testHost());
    const line = await child.waitForLine('loaded ');
    expect(JSON.parse(line.text.slice('loaded '.length))).toEqual({ imported: false, local: false, target: false, remote: true });
    expect(await child.exited).toMatchObject({ code: 0 });
  });
});
