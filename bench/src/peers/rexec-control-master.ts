/**
 * `$.ssh({ controlMaster: true })`: every command is an OpenSSH `ssh` client process riding one
 * ControlMaster connection. `load` probes (untimed) whether `$.ssh` really starts a master (the
 * control socket appears); when it does not yet, the ControlMasterAdapter from @rexec/adapters is
 * driven directly and the row's note says so. CPU figures include the reaped `ssh` processes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TargetInfo } from '../child/protocol.js';
import { loadRexecSsh, rexecTarget } from './rexec-core.js';
import { asTemplate } from './template.js';
import { PeerUnavailableError, type Peer, type PeerSession } from './peer.js';

interface AdapterLike {
  exec(spec: { command: string }): Promise<{ stdout: string; exitCode: number; stderr: string }>;
  dispose(): Promise<void>;
}
type CreateAdapter = (options: Record<string, unknown>) => AdapterLike;
type RexecSsh = Awaited<ReturnType<typeof loadRexecSsh>>;

/** A short private directory per session: socket paths are limited to ~104 bytes. */
const privateDir = (): { path: string; remove: () => void } => {
  const path = mkdtempSync(join(tmpdir(), 'rxb-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
};

const viaTag = (ssh: RexecSsh, target: TargetInfo): PeerSession => {
  const dir = privateDir();
  const remote = ssh({ ...rexecTarget(target), controlMaster: true, controlPath: join(dir.path, 'cm') });
  return {
    exec: async (command) => (await remote(asTemplate(command))).stdout,
    close: () => remote.closePool().then(dir.remove, dir.remove),
  };
};

const viaAdapter = (create: CreateAdapter, target: TargetInfo): PeerSession => {
  const dir = privateDir();
  const adapter = create({ ...rexecTarget(target), controlPath: join(dir.path, 'cm') });
  return {
    exec: async (command) => {
      const result = await adapter.exec({ command });
      if (result.exitCode !== 0) throw new Error(`exit ${result.exitCode}: ${result.stderr.slice(0, 200)}`);
      return result.stdout;
    },
    close: () => adapter.dispose().then(dir.remove, dir.remove),
  };
};

/** Runs one command through `$.ssh({ controlMaster: true })` and says whether a master socket appeared. */
async function startsMaster(ssh: RexecSsh, target: TargetInfo): Promise<boolean> {
  const dir = privateDir();
  const remote = ssh({ ...rexecTarget(target), controlMaster: true, controlPath: join(dir.path, 'cm') });
  try {
    await remote(asTemplate('true'));
    return existsSync(join(dir.path, 'cm'));
  } finally {
    await remote.closePool().then(dir.remove, dir.remove);
  }
}

const peer: Peer = {
  load: async (target) => {
    let note: string;
    try {
      const ssh = await loadRexecSsh();
      if (await startsMaster(ssh, target)) return { open: () => Promise.resolve(viaTag(ssh, target)) };
      note = 'via ControlMasterAdapter directly: $.ssh({ controlMaster: true }) started no master';
    } catch (error) {
      if (!(error instanceof PeerUnavailableError)) throw error;
      note = 'via ControlMasterAdapter directly: $.ssh not built';
    }
    const adapters = (await import('@rexec/adapters')) as Record<string, unknown>;
    const create = adapters['createControlMasterAdapter'];
    if (typeof create !== 'function') throw new PeerUnavailableError('neither $.ssh controlMaster nor createControlMasterAdapter is built');
    return { open: () => Promise.resolve(viaAdapter(create as CreateAdapter, target)), note };
  },
};

export default peer;
