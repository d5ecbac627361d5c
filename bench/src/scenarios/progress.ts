/** How far a scenario got, for the report written when a peer ends the process mid-run. */
export interface Progress {
  set(ok: number, failed: number): void;
  /** `''` before anything was counted, else `, after N commands ok and M failed`. */
  describe(): string;
}

export function createProgress(): Progress {
  let counted: { ok: number; failed: number } | undefined;
  return {
    set: (ok, failed) => {
      counted = { ok, failed };
    },
    describe: () => (counted === undefined ? '' : `, after ${counted.ok} commands ok and ${counted.failed} failed`),
  };
}
