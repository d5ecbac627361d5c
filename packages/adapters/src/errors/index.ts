export { RexecError, isRexecError, type RexecErrorCode, type RexecErrorOptions } from './rexec-error.js';
export type { CommandOutput } from './command-output.js';
export {
  CommandError,
  TimeoutError,
  isCommandError,
  isTimeoutError,
  type CommandErrorDetails,
} from './command-errors.js';
export { ConfigError, isConfigError } from './config-error.js';
export {
  ConnectionError,
  AuthenticationError,
  HostKeyError,
  isConnectionError,
  isAuthenticationError,
  isHostKeyError,
  type HostKeyProblem,
} from './connection-errors.js';
export {
  PoolExhaustedError,
  AcquireTimeoutError,
  PoolClosedError,
  CircuitOpenError,
  isPoolExhaustedError,
  isAcquireTimeoutError,
  isPoolClosedError,
  isCircuitOpenError,
} from './pool-errors.js';
export {
  NoHealthyHostError,
  HostNotRunError,
  isNoHealthyHostError,
  isHostNotRunError,
  type HostFailure,
  type HostNotRunReason,
} from './group-errors.js';
export {
  TransferError,
  TunnelError,
  isTransferError,
  isTunnelError,
  type TransferErrorDetails,
  type TransferProblem,
  type TunnelErrorDetails,
  type TunnelProblem,
} from './transfer-errors.js';
