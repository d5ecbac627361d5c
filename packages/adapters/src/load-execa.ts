import type { execa } from 'execa';

export type Execa = typeof execa;

let loading: Promise<Execa> | undefined;

/**
 * execa, imported at the first local or ControlMaster command instead of with the package: importing it costs
 * ~100 ms of CPU, which a script that only runs `$.ssh` commands (a fleet run over 192 hosts) never needs
 * (docs/performance.md, "Fleet", fixed cost).
 */
export function loadExeca(): Promise<Execa> {
  loading ??= import('execa').then((module) => module.execa);
  return loading;
}
