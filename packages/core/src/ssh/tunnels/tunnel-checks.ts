/** Checks of tunnel options: a bad one is a `ConfigError` naming it, thrown before anything listens or connects. */
import { ConfigError } from '@rexec/adapters';

export function checkPort(method: string, option: string, value: unknown, zeroAllowed: boolean): number {
  const low = zeroAllowed ? 0 : 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < low || value > 65535) {
    throw new ConfigError(`${method}(): ${option} must be a port number from ${low} to 65535${zeroAllowed ? ' (0: any free port)' : ''}, got ${typeof value === 'number' ? String(value) : typeof value}`, option);
  }
  return value;
}

export function checkHost(method: string, option: string, value: unknown, fallback: string | undefined): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value === '' || /[\s\0]/.test(value)) throw new ConfigError(`${method}(): ${option} must be a host name or address`, option);
  return value;
}

export function checkMaxConnections(method: string, value: unknown): number {
  if (value === undefined) return Infinity;
  if (typeof value !== 'number' || !(Number.isInteger(value) || value === Infinity) || value < 1) throw new ConfigError(`${method}(): maxConnections must be a positive integer`, 'maxConnections');
  return value;
}
