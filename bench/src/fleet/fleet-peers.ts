/**
 * The clients of the fleet section and how each is started: the two Node clients (fleet-node-child.mjs),
 * asyncssh (fleet-asyncssh.py under Debian's /usr/bin/python3, not a pyenv python on PATH), and the
 * OpenSSH-based tools, each run twice: with OpenSSH's default key exchange (sntrup761x25519-sha512 in
 * OpenSSH 9.x) and with `-o KexAlgorithms=curve25519-sha256`, the one ssh2 and asyncssh use here. A tool
 * that is not installed is `unavailable` with the reason; nothing stands in for it.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FleetHosts } from './fleet-hosts.js';
import type { FleetPlan } from './fleet-plan.js';

export type FleetPeerId = 'rexec' | 'ssh2' | 'asyncssh' | 'pdsh' | 'pssh' | 'xargs-ssh' | 'ansible';
export type FleetKex = 'curve25519' | 'default';

/** One run of the fan-out: a client, and for the OpenSSH-based ones a key exchange. */
export interface FleetRun {
  readonly peer: FleetPeerId;
  readonly kex: FleetKex;
  /** `library`: measured inside its process around the fan-out; `openssh`: the whole process tree. */
  readonly kind: 'library' | 'openssh';
}

const LIBRARIES: readonly FleetRun[] = [
  { peer: 'rexec', kex: 'curve25519', kind: 'library' },
  { peer: 'ssh2', kex: 'curve25519', kind: 'library' },
  { peer: 'asyncssh', kex: 'curve25519', kind: 'library' },
];
const OPENSSH_TOOLS = ['pdsh', 'pssh', 'xargs-ssh', 'ansible'] as const;

/** Libraries first, then the OpenSSH tools with curve25519, then with their default (the slow runs last). */
export const FLEET_RUNS: readonly FleetRun[] = [
  ...LIBRARIES,
  ...(['curve25519', 'default'] as const).flatMap((kex) => OPENSSH_TOOLS.map((peer): FleetRun => ({ peer, kex, kind: 'openssh' }))),
];

export const FLEET_OURS = 'rexec' satisfies FleetPeerId;
export const FLEET_FLOOR = 'ssh2' satisfies FleetPeerId;
export const CURVE25519 = 'curve25519-sha256';
/** What every host runs: two commands for the libraries (two execs on one connection), one command line for the tools. */
export const TOOL_COMMAND = 'true && hostname';
export const RESULT_MARKER = '@@rexec-fleet-result@@ ';

const NODE_CHILD = fileURLToPath(new URL('./fleet-node-child.mjs', import.meta.url));
const ASYNCSSH_SCRIPT = fileURLToPath(new URL('./fleet-asyncssh.py', import.meta.url));
export const SYSTEM_PYTHON = '/usr/bin/python3';

const LABELS: Readonly<Record<FleetPeerId, string>> = {
  rexec: '$.ssh.group … all',
  ssh2: 'raw ssh2 1.17.0 (floor)',
  asyncssh: 'asyncssh',
  pdsh: 'pdsh -R ssh',
  pssh: 'parallel-ssh',
  'xargs-ssh': 'xargs -P + ssh',
  ansible: 'ansible -m raw',
};

export const fleetLabel = (run: Pick<FleetRun, 'peer' | 'kex' | 'kind'>, versions: Readonly<Record<string, string>> = {}): string => {
  const version = versions[run.peer];
  const base = `${LABELS[run.peer]}${version === undefined ? '' : ` ${version}`}`;
  return run.kind === 'openssh' ? `${base}, ${run.kex === 'default' ? 'default kex' : 'curve25519'}` : base;
};

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** `name` on PATH (or an absolute path), undefined when nowhere. */
export function findExecutable(name: string, path = process.env['PATH'] ?? ''): string | undefined {
  if (name.startsWith('/')) return isExecutable(name) ? name : undefined;
  return path
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, name))
    .find(isExecutable);
}

/** Where each tool is looked for: Debian's packages (pdsh, pssh, ansible-core) install these. */
const BINARIES: Readonly<Record<FleetPeerId, readonly string[]>> = {
  rexec: [],
  ssh2: [],
  asyncssh: [SYSTEM_PYTHON],
  pdsh: ['/usr/bin/pdsh', 'ssh'],
  pssh: ['/usr/bin/parallel-ssh', 'ssh'],
  'xargs-ssh': ['xargs', 'ssh'],
  ansible: ['/usr/bin/ansible', 'ssh'],
};

const INSTALL_HINT: Readonly<Record<FleetPeerId, string>> = {
  rexec: '',
  ssh2: '',
  asyncssh: 'apt-get install python3-asyncssh',
  pdsh: 'apt-get install pdsh',
  pssh: 'apt-get install pssh',
  'xargs-ssh': 'apt-get install findutils openssh-client',
  ansible: 'apt-get install ansible-core',
};

/** Why a client cannot run here (a binary missing), or undefined. The libraries say so themselves when they run. */
export function unavailableReason(peer: FleetPeerId): string | undefined {
  const missing = BINARIES[peer].filter((binary) => findExecutable(binary) === undefined);
  return missing.length === 0 ? undefined : `${missing.join(', ')} not found (${INSTALL_HINT[peer]})`;
}

/** The environment without a Python of the user's (pyenv, virtualenv) leaking into Debian's python3. */
function systemPythonEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of ['PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP', 'VIRTUAL_ENV']) delete env[key];
  return env;
}

export interface NodeTask {
  readonly mode: 'fanout' | 'fixed';
  readonly client: 'rexec' | 'ssh2';
  readonly hosts: FleetHosts['hosts'];
  readonly knownHostsPath: string;
  readonly concurrency: number;
  readonly expected: string;
  readonly readyTimeoutMs: number;
  /** Run one host (and close it) before the measured fan-out: lazy loading and JIT count once, not per host. */
  readonly warmup: boolean;
}

export interface Invocation {
  readonly file: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

export const nodeInvocation = (task: NodeTask): Invocation => ({ file: process.execPath, args: [NODE_CHILD, JSON.stringify(task)] });

/** How to start one fan-out run on `fleet`; `concurrency` hosts at once. */
export function invocationOf(run: FleetRun, fleet: FleetHosts, plan: FleetPlan, hosts: FleetHosts['hosts'] = fleet.hosts): Invocation {
  const concurrency = String(plan.concurrency);
  const kexArgs = run.kex === 'curve25519' ? ['-o', `KexAlgorithms=${CURVE25519}`] : [];
  const sshArgs = ['-F', fleet.sshConfigPath, ...kexArgs].join(' ');
  switch (run.peer) {
    case 'rexec':
    case 'ssh2':
      return nodeInvocation({
        mode: 'fanout',
        client: run.peer,
        hosts,
        knownHostsPath: fleet.knownHostsPath,
        concurrency: plan.concurrency,
        expected: fleet.expectedHostname,
        readyTimeoutMs: plan.readyTimeoutMs,
        warmup: true,
      });
    case 'asyncssh': {
      const task = { hosts, knownHostsPath: fleet.knownHostsPath, concurrency: plan.concurrency, expected: fleet.expectedHostname, connectTimeoutS: plan.readyTimeoutMs / 1000, warmup: true };
      return { file: SYSTEM_PYTHON, args: ['-W', 'ignore', ASYNCSSH_SCRIPT, JSON.stringify(task)], env: systemPythonEnv() };
    }
    case 'pdsh':
      // pdsh's ssh module runs `ssh -2 -a -x -l%u %h`, plus PDSH_SSH_ARGS_APPEND.
      return { file: '/usr/bin/pdsh', args: ['-R', 'ssh', '-f', concurrency, '-w', `^${fleet.hostListPath}`, TOOL_COMMAND], env: { ...process.env, PDSH_SSH_ARGS_APPEND: sshArgs } };
    case 'pssh':
      return {
        file: '/usr/bin/parallel-ssh',
        args: ['-h', fleet.hostListPath, '-p', concurrency, '-t', String(Math.round(plan.timeoutMs / 1000)), '-x', sshArgs, '-i', TOOL_COMMAND],
        env: systemPythonEnv(),
      };
    case 'xargs-ssh':
      return { file: findExecutable('xargs') ?? 'xargs', args: ['-a', fleet.hostListPath, '-P', concurrency, '-I{}', findExecutable('ssh') ?? 'ssh', ...sshArgs.split(' '), '{}', TOOL_COMMAND] };
    case 'ansible': {
      const dir = join(fleet.dir, 'ansible');
      // ANSIBLE_SSH_ARGS replaces Ansible's default `-C -o ControlMaster=auto -o ControlPersist=60s`: a master
      // left running for 60 s per host would outlive the run (and its CPU would go uncounted).
      const env = systemPythonEnv({
        ANSIBLE_CONFIG: join(dir, 'ansible.cfg'),
        ANSIBLE_HOME: join(dir, 'home'),
        ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'),
        ANSIBLE_SSH_CONTROL_PATH_DIR: join(dir, 'cp'),
        ANSIBLE_SSH_ARGS: sshArgs,
        ANSIBLE_HOST_KEY_CHECKING: 'True',
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_DEPRECATION_WARNINGS: 'False',
        ANSIBLE_LOAD_CALLBACK_PLUGINS: 'False',
      });
      return { file: '/usr/bin/ansible', args: ['all', '-i', fleet.inventoryPath, '-m', 'raw', '-a', TOOL_COMMAND, '-f', concurrency, '-o'], env };
    }
  }
}
