/**
 * Child-process script for the lazy-loading test: imports the ssh modules a `$.ssh` call needs up to the
 * first command and reports whether ssh2 was loaded; then loads it the way connectSsh does and reports again.
 */
import { createRequire } from 'node:module';

const cache = createRequire(import.meta.url).cache;
const ssh2Loaded = (): boolean => Object.keys(cache).some((path) => /[\\/]ssh2[\\/]lib[\\/]/.test(path));

await import('../../src/ssh/connection/connect-ssh.js');
await import('../../src/ssh/options/normalize-ssh-options.js');
await import('../../src/ssh/identity.js');
const before = ssh2Loaded();
const { loadSsh2 } = await import('../../src/ssh/connection/load-ssh2.js');
const ssh2 = await loadSsh2();
process.stdout.write(`${JSON.stringify({ before, after: ssh2Loaded(), hasClient: typeof ssh2.Client === 'function' })}\n`);
