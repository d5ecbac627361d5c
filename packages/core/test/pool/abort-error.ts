/** The reason the walk aborts acquires with, so it can tell it from an unexpected error. */
export class AbortError extends Error {
  constructor() {
    super('aborted by the test');
    this.name = 'AbortError';
  }
}
