import { testHost } from '@rexec/testing';
import { describe, expect, it } from 'vitest';
import { runFixture } from './child-process.js';

describe('ssh2 and execa are loaded lazily', () => {
  it('a script that imports rexec and runs local commands (or only names a target) loads none of ssh2', async () => {
    const child = runFixture('local-only.ts', testHost());
    const line = await child.waitForLine('loaded ');
    expect(JSON.parse(line.text.slice('loaded '.length))).toEqual({ imported: false, local: false, target: false, remote: true });
    expect(await child.exited).toMatchObject({ code: 0 });
  });

  it('a script that imports rexec and runs only remote commands loads no execa (a local command does)', async () => {
    const child = runFixture('lazy-execa.ts', testHost());
    const line = await child.waitForLine('loaded ');
    expect(JSON.parse(line.text.slice('loaded '.length))).toEqual({ imported: false, remote: false, local: true });
    expect(await child.exited).toMatchObject({ code: 0 });
  });
});
