// POSIX quoting and the remote command script, shared by the adapters and @rexec/core.
export { isShellVariableName, quote } from './quote.js';
export { buildUserScript } from './user-script.js';
