export type { Adapter, ExecSpec, ExecResult } from './contract.js';
export { KillRequest, requestedKillSignal } from './kill-request.js';
export { canceledBeforeStart, exitCodeForSignal, timedOutBeforeStart } from './results.js';
export * from './errors/index.js';
export * from './local/index.js';
export * from './control-master/index.js';
export * from './output/index.js';
export * from './shell/index.js';
