export { ControlMasterAdapter, createControlMasterAdapter, type ControlMasterAdapterStats, type ControlMasterAdapterDependencies } from './control-master-adapter.js';
export { normalizeControlMasterOptions, CONTROL_MASTER_DEFAULTS, type ControlMasterAdapterOptions, type ResolvedControlMasterOptions, type HostKeyCheck } from './control-master-options.js';
export type { MasterState, MasterStats } from './master.js';
export { MAX_CONTROL_PATH_BYTES, controlPathTemplate } from './control-path.js';
