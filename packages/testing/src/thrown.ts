/**
 * The error `run` throws, checked to be an instance of `type` (so a test can read its fields, e.g. a
 * `ConfigError`'s `option`). Throws when `run` does not throw, and rethrows an error of another type.
 */
export function thrownBy<E extends Error>(run: () => unknown, type: abstract new (...args: never[]) => E): E {
  try {
    run();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected ${type.name} to be thrown, but nothing was`);
}
