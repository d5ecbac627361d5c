/**
 * `$.ssh(target, { controlMaster: true })`: commands go through the system OpenSSH client over one master
 * connection (`ControlMasterAdapter`, docs/control-master.md) instead of pooled ssh2 connections. This maps
 * the resolved `$.ssh` options onto the adapter's, refusing what the OpenSSH client cannot do unattended.
 */
import { ConfigError, type ControlMasterAdapterOptions } from '@rexec/adapters';
import type { ResolvedSshOptions, SshOptions, SshTarget } from '../options/ssh-options.js';

function refuse(option: string, why: string): never {
  throw new ConfigError(`$.ssh(..., { controlMaster: true }): ${option} ${why}`, option);
}

/** The `privateKey` the user gave, when it was given as a path (the OpenSSH client reads keys from files). */
function givenKeyPath(target: SshTarget, options: SshOptions | undefined): string | undefined {
  const given = options?.privateKey ?? (typeof target === 'object' ? target.privateKey : undefined);
  if (given === undefined) return undefined;
  if (Buffer.isBuffer(given) || given.includes('\n') || given.includes('-----BEGIN')) {
    refuse('privateKey', 'must be the path of a key file: the OpenSSH client reads keys from files (or load the key into ssh-agent)');
  }
  return given;
}

export function controlMasterOptionsOf(
  resolved: ResolvedSshOptions,
  target: SshTarget,
  options: SshOptions | undefined,
): ControlMasterAdapterOptions {
  if (resolved.password !== undefined) {
    refuse('password', 'is not supported: ssh runs with BatchMode=yes and cannot type a password; use a key or ssh-agent');
  }
  if (resolved.passphrase !== undefined) {
    refuse('passphrase', 'is not supported: ssh runs with BatchMode=yes and cannot type a passphrase; load the key into ssh-agent');
  }
  if (resolved.pool?.validator !== undefined) {
    refuse('pool.validator', 'does not apply: a master is checked with `ssh -O check`, and there is no pooled ssh2 connection to give a validator');
  }
  const privateKey = givenKeyPath(target, options);
  return {
    // The alias, when there is one, so ssh applies the user's whole ~/.ssh/config entry (ProxyJump, …).
    host: resolved.alias ?? resolved.host,
    port: resolved.port,
    username: resolved.username,
    ...(privateKey === undefined ? {} : { privateKey }),
    ...(resolved.agent === undefined ? {} : { agent: resolved.agent }),
    knownHosts: resolved.knownHosts,
    hostKeyCheck: resolved.hostKeyCheck,
    ...(resolved.controlPath === undefined ? {} : { controlPath: resolved.controlPath }),
    // `false` is passed on for the adapter to refuse with its own explanation (a master must persist).
    ...(resolved.controlPersist === undefined ? {} : { controlPersist: resolved.controlPersist as number | string | true }),
    readyTimeout: resolved.readyTimeout,
    keepaliveInterval: resolved.keepaliveInterval,
  };
}
