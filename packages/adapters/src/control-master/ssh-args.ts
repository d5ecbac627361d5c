import type { ResolvedControlMasterOptions } from './control-master-options.js';

/** ssh splits `-o` values on whitespace; quote them the way its tokenizer understands. */
function sshValue(value: string): string {
  return /[\s"'\\]/.test(value) ? `"${value.replace(/(["\\])/g, '\\$1')}"` : value;
}

/** Options whose value OpenSSH takes as the raw rest of the line (a shell command): it would keep quotes. */
const COMMAND_OPTIONS: ReadonlySet<string> = new Set(['proxycommand', 'remotecommand', 'localcommand', 'knownhostscommand']);

function option(key: string, value: string): string[] {
  return ['-o', `${key}=${COMMAND_OPTIONS.has(key.toLowerCase()) ? value : sshValue(value)}`];
}

function hostKeyArgs(options: ResolvedControlMasterOptions): string[] {
  switch (options.hostKeyCheck) {
    case 'off':
      return [...option('StrictHostKeyChecking', 'no'), ...option('UserKnownHostsFile', '/dev/null'), ...option('GlobalKnownHostsFile', '/dev/null')];
    case 'accept-new':
      return [...option('StrictHostKeyChecking', 'accept-new'), ...(options.knownHosts === undefined ? [] : option('UserKnownHostsFile', options.knownHosts))];
    default:
      return [...option('StrictHostKeyChecking', 'yes'), ...(options.knownHosts === undefined ? [] : option('UserKnownHostsFile', options.knownHosts))];
  }
}

/**
 * The arguments every ssh invocation of one adapter shares. The user's `sshOptions` come first: ssh keeps
 * the first value it reads for an option, so theirs win over the adapter's defaults below.
 */
export function baseSshArgs(options: ResolvedControlMasterOptions, controlPath: string): string[] {
  const args: string[] = [];
  if (options.configFile !== undefined) args.push('-F', options.configFile);
  for (const [key, value] of Object.entries(options.sshOptions)) args.push(...option(key, value));
  if (options.port !== undefined) args.push('-p', String(options.port));
  if (options.username !== undefined) args.push('-l', options.username);
  if (options.privateKey !== undefined) args.push('-i', options.privateKey, ...option('IdentitiesOnly', 'yes'));
  if (options.agent !== undefined) args.push(...option('IdentityAgent', options.agent));
  args.push(...option('BatchMode', 'yes'), ...hostKeyArgs(options), ...option('ControlPath', controlPath));
  return args;
}

/** `ssh -G host`: prints the configuration ssh would use (the expanded ControlPath among it); connects nowhere. */
export function resolveConfigArgs(options: ResolvedControlMasterOptions, controlPath: string): string[] {
  return [...baseSshArgs(options, controlPath), '-G', options.host];
}

/** The master: in the foreground until authenticated (no `-f`), then OpenSSH detaches it (ControlPersist). */
export function masterArgs(options: ResolvedControlMasterOptions, controlPath: string): string[] {
  return [
    ...baseSshArgs(options, controlPath),
    ...option('ControlMaster', 'yes'),
    ...option('ControlPersist', options.controlPersist),
    ...option('ConnectTimeout', String(Math.max(1, Math.ceil(options.readyTimeout / 1000)))),
    ...option('ServerAliveInterval', String(Math.ceil(options.keepaliveInterval / 1000))),
    '-N',
    options.host,
  ];
}

/** `ssh -O check|exit host`: asks the master over its socket. */
export function controlArgs(options: ResolvedControlMasterOptions, controlPath: string, operation: 'check' | 'exit'): string[] {
  return [...baseSshArgs(options, controlPath), '-O', operation, options.host];
}

/** A command over the master (`auto`: if the master vanished, this ssh becomes one). */
export function commandArgs(options: ResolvedControlMasterOptions, controlPath: string, remoteCommand: string): string[] {
  return [
    ...baseSshArgs(options, controlPath),
    ...option('ControlMaster', 'auto'),
    ...option('ControlPersist', options.controlPersist),
    ...option('LogLevel', 'ERROR'),
    '-T',
    options.host,
    remoteCommand,
  ];
}
