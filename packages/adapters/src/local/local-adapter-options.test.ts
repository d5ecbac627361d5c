import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { LOCAL_ADAPTER_DEFAULTS, normalizeLocalAdapterOptions } from './local-adapter-options.js';

describe('normalizeLocalAdapterOptions', () => {
  it('applies the frozen defaults', () => {
    const options = normalizeLocalAdapterOptions();
    expect(options).toEqual(LOCAL_ADAPTER_DEFAULTS);
    expect(options.shell).toBe('/bin/sh');
    expect(options.shellArgs).toEqual(['-c']);
    expect(Object.isFrozen(options)).toBe(true);
    expect(Object.isFrozen(LOCAL_ADAPTER_DEFAULTS)).toBe(true);
  });

  it('keeps given values', () => {
    const options = normalizeLocalAdapterOptions({ shell: '/bin/bash', shellArgs: ['-e', '-c'], maxBuffer: 10, killSignal: 'SIGINT', forceKillAfterDelay: 0 });
    expect(options).toEqual({ shell: '/bin/bash', shellArgs: ['-e', '-c'], maxBuffer: 10, killSignal: 'SIGINT', forceKillAfterDelay: 0 });
  });

  it.each([
    [{ shel: '/bin/sh' }, 'shel', /not a known option/],
    [{ shell: '' }, 'shell', /path of a shell/],
    [{ shellArgs: '-c' }, 'shellArgs', /array of strings/],
    [{ maxBuffer: -1 }, 'maxBuffer', /positive whole number of bytes/],
    [{ maxBuffer: 1.5 }, 'maxBuffer', /positive whole number/],
    [{ forceKillAfterDelay: Number.POSITIVE_INFINITY }, 'forceKillAfterDelay', /non-negative/],
    [{ killSignal: 'SIGNOPE' }, 'killSignal', /signal name/],
  ])('rejects %j with a ConfigError naming %s', (input, option, message) => {
    let caught: unknown;
    try {
      normalizeLocalAdapterOptions(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).option).toBe(option);
    expect((caught as ConfigError).message).toMatch(message);
  });

  it('rejects a non-object', () => {
    expect(() => normalizeLocalAdapterOptions('bash')).toThrow(ConfigError);
  });
});
