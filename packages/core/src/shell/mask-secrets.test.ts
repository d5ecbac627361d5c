import { describe, expect, it } from 'vitest';
import { maskSecrets } from './mask-secrets.js';
import { quote } from '@rexec/adapters';

describe('maskSecrets', () => {
  it('masks a secret as typed and as quote() rendered it', () => {
    expect(maskSecrets('login -p hunter2', ['hunter2'])).toBe('login -p ***');
    expect(maskSecrets(`login -p ${quote("pa ss'word")}`, ["pa ss'word"])).toBe('login -p ***');
  });

  it('masks every occurrence, the longest secret first', () => {
    expect(maskSecrets('a=abc b=ab', ['ab', 'abc'])).toBe('a=*** b=***');
  });

  it('ignores empty secrets and leaves text without secrets alone', () => {
    expect(maskSecrets('echo hi', ['', 'zzz'])).toBe('echo hi');
  });
});
