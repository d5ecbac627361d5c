import type { ResolvedControlMasterOptions } from './control-master-options.js';
import type { ControlMaster } from './master.js';

/** Why the adapter ended a command itself. */
export type RemoteKillReason = 'timeout' | 'abort' | 'maxBuffer' | 'dispose' | 'callback';

/** What running one command over the master needs. */
export interface RemoteRunContext {
  readonly options: ResolvedControlMasterOptions;
  readonly target: string;
  readonly controlPath: string;
  readonly master: ControlMaster;
  readonly now: () => number;
}
