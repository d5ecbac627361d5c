import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A credential (password, passphrase, private key text) that never prints itself:
 * `util.inspect`, `JSON.stringify`, `String()` and template literals all show `[redacted]`.
 * The value is held in a true private field, so even `inspect(x, { showHidden: true })` cannot see it.
 * Only the ssh2 transport calls `reveal()`, at the moment it hands the value to ssh2.
 */
export class Secret<T extends string | Buffer = string | Buffer> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
    Object.freeze(this);
  }

  /** The secret itself. Call only where it is handed to the transport; never log the result. */
  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}
