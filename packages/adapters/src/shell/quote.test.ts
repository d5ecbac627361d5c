import { describe, expect, it } from 'vitest';
import { quote } from './quote.js';

describe('quote', () => {
  it('leaves plain words as they are', () => {
    expect(quote('abc')).toBe('abc');
    expect(quote('/usr/local/bin/node-20.1')).toBe('/usr/local/bin/node-20.1');
    expect(quote('-n')).toBe('-n');
    expect(quote('user@host:22')).toBe('user@host:22');
  });

  it('single-quotes everything else, writing each quote as close-escape-reopen', () => {
    expect(quote('')).toBe("''");
    expect(quote('a b')).toBe("'a b'");
    expect(quote("it's")).toBe("'it'\\''s'");
    expect(quote('$HOME `id` $(id) *')).toBe("'$HOME `id` $(id) *'");
    expect(quote('a\nb')).toBe("'a\nb'");
    expect(quote('back\\slash')).toBe("'back\\slash'");
  });

  it('quotes words a shell would read as an assignment, a job or a home directory', () => {
    expect(quote('A=b')).toBe("'A=b'");
    expect(quote('%1')).toBe("'%1'");
    expect(quote('~')).toBe("'~'");
  });

  it("never uses bash's $'...' form", () => {
    expect(quote('\t\n\u0001')).not.toMatch(/^\$'/);
  });

  it('rejects a NUL byte and non-strings with TypeError', () => {
    expect(() => quote('a\0b')).toThrow(TypeError);
    expect(() => quote('a\0b')).toThrow(/NUL byte/);
    expect(() => quote(5 as unknown as string)).toThrow(/takes a string, got number/);
  });
});
