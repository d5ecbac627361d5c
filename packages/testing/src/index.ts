/**
 * @rexec/testing — SSH hosts for tests, examples and benchmarks. Usage:
 *  - In a package's vitest.config.ts: `test: { globalSetup: ['../testing/src/global-setup.ts'] }`
 *    starts ONE host for the run (OpenSSH sshd on 127.0.0.1, else the embedded ssh2 server).
 *  - In a test: `const h = testHost();` → `{ host, port, username, privateKeyPath, privateKey,
 *    knownHostsPath, hostKeyFingerprint, kind, logPath }`; connect with `privateKey` and `knownHostsPath`.
 *  - A host of your own (other sshd settings, a host to break): `const h = await startSshHost({ maxSessions: 2 })`
 *    then `await h.stop()` in `afterAll`. `kind: 'embedded'` forces the ssh2 server.
 *  - Many hosts cheaply (host groups): `const set = await startSshHosts(8)` → `set.hosts`, eight distinct
 *    `127.0.0.k:port` logins served by ONE sshd listening on 127.0.0.1 … 127.0.0.8; `await set.stop()`.
 *  - REXEC_TEST_SSHD=openssh makes a missing sshd an error (CI); =embedded forces the ssh2 server.
 *    REXEC_TEST_SSHD_LOG=1 prints the host log at teardown (it is printed anyway when a test failed).
 *  - The server runs as the current user with throwaway keys in a 0700 temp dir, removed by `stop()`.
 *  - Faults (all on loopback only): `host.kill()` / `host.killSessions()` / `host.restart()` crash and
 *    bring back a host of your own on the same port and keys; `startFaultProxy({ targetHost, targetPort })`
 *    sits in front of a host and can `freeze()` (silence, no FIN), `freezeOpen()` (silence on the connections
 *    open now only), `thaw()` and `reset()` (RST) its connections — trust it with `knownHostsFor(host, proxy.port)`; `startSilentServer()` accepts TCP
 *    and never says a byte (an SSH handshake that never starts).
 */
export { startSshHost } from './start-ssh-host.js';
export { startSshHosts, type SshHostSet } from './start-ssh-hosts.js';
export { testHost } from './test-host.js';
export { findSshd } from './find-sshd.js';
export { fingerprintOf } from './keys.js';
export type { SshHost, SshHostInfo, SshHostKind, StartSshHostOptions } from './types.js';
export { descendantsOf, isAlive, liveProcessesInGroup, waitForEmptyGroup, waitUntilGone } from './processes.js';
export { startFaultProxy, type FaultProxy, type FaultProxyOptions, type FaultProxyStats } from './fault-proxy.js';
export { startSilentServer, type SilentServer, type SilentServerOptions } from './silent-server.js';
export { knownHostsFor } from './known-hosts-for.js';
export { thrownBy } from './thrown.js';
export { loginOptionsOf, type HostLogin } from './login-options.js';
