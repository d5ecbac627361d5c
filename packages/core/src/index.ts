// Everything of @rexec/adapters is re-exported: errors (defined there, the lowest layer, which throws some of them),
// quote() (shared by every adapter), the adapters themselves and the execution contract.
export * from '@rexec/adapters';
export { $, type Dollar } from './dollar.js';
export { createShell, type CommandDefaults, type Shell, type ShellDefaults, type ShellOptions } from './shell/create-shell.js';
export { maskSecrets } from './shell/mask-secrets.js';
export { within, type WithinDefaults } from './shell/within.js';
export { Command, type CommandStage } from './command/command.js';
export { retry, isRetryableFailure, type RetryOptions } from './command/retry.js';
export { defaultLog, type LogEntry, type LogHook } from './command/log.js';
export { ProcessOutput, type ProcessOutputInit } from './command/process-output.js';
// The generic resource pool (docs/pool.md).
export * from './pool/index.js';
// `$.ssh` pooling: the pool handle, borrowed connections and pool options (docs/ssh.md#pooling).
export type { SshShell } from './ssh/pool/create-ssh-shell.js';
export type {
  PooledSshConnection,
  SshConnectionStats,
  SshExecOptions,
  SshPoolEvents,
  SshPoolHandle,
  SshPoolOptions,
  SshPoolStats,
} from './ssh/pool/ssh-pool-types.js';
// Host groups: `$.ssh.group(targets, options)` (docs/fleets.md).
export type {
  GroupHostEvents,
  GroupHostStats,
  GroupPoolEvents,
  GroupRunOptions,
  GroupRunTag,
  GroupShell,
  GroupStats,
  GroupStrategy,
  GroupTarget,
  GroupTotals,
  HostResult,
  ProgressOption,
  ProgressStream,
  SshGroup,
  SshGroupEvents,
  SshGroupHandle,
  SshGroupOptions,
} from './ssh/group/group-types.js';
export type { SshGroupFactory } from './ssh/group/with-group.js';
// Files and tunnels over pooled connections (docs/files.md, docs/tunnels.md).
export type {
  DownloadDestination, DownloadOptions, TransferEntry, TransferOptions, TransferProgress, TransferResult, UploadOptions, UploadSource,
} from './ssh/files/transfer-types.js';
export type { ForwardOptions, ForwardTarget, RemoteForwardOptions, Tunnel, TunnelStats } from './ssh/tunnels/tunnel-types.js';
// Graceful shutdown of every SSH pool on SIGINT/SIGTERM (docs/ssh.md#exiting-and-shutting-down).
export { installShutdownHandlers } from './shutdown/install-shutdown-handlers.js';
export type { ShutdownOptions } from './shutdown/shutdown-options.js';
// What `$.ssh(target, options)` accepts (the examples name the options object `SshTargetOptions`).
// (`HostKeyCheck`, the type of its `hostKeyCheck` option, comes with @rexec/adapters above.)
export type { SshOptions, SshOptions as SshTargetOptions, SshTarget } from './ssh/options/ssh-options.js';
