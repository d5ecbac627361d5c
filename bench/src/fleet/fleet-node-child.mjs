// @ts-check
/**
 * The Node clients of the bench's fleet section: `$.ssh.group` from the built @rexec/core and raw ssh2,
 * one task as JSON in argv[2], one result line on stdout (RESULT_MARKER + JSON). Plain JavaScript run by
 * plain `node`, not TypeScript under tsx like the other children: tsx's loader hooks run for every module
 * imported and made importing @rexec/core ~3× slower, which the fixed-cost figure measures.
 *
 * Modes:
 * - `fanout`: every host runs `true` then `hostname`, `concurrency` hosts at once. rexec: a group with
 *   `concurrency`, `group.all\`true\``, `group.all\`hostname\``, `closePool()`. ssh2 (the floor): per host
 *   connect, exec `true`, exec `hostname`, end and wait for the close. Wall time and CPU around the fan-out.
 *   With `warmup`, one host is run (and closed) first, outside the figures, so that code loaded or compiled
 *   at a client's first connection counts once in the process CPU, not in the CPU per host.
 * - `fixed`: from the first line of this module to the end of: import, the handles of every host (rexec: the
 *   group; ssh2: one `Client` per host and each key file read once), and closing them — no connection at all;
 *   wall time and this process's CPU time over it.
 */
import { readFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';

const started = performance.now();
const cpuAtStart = process.cpuUsage();
const RESULT_MARKER = '@@rexec-fleet-result@@ ';

/** @param {Record<string, unknown>} result */
const report = (result) => process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(result)}\n`);

/**
 * @typedef {{ name: string, host: string, port: number, username: string, privateKeyPath: string }} Host
 * @typedef {{ mode: 'fanout' | 'fixed', client: 'rexec' | 'ssh2', hosts: Host[], knownHostsPath: string,
 *   concurrency: number, expected: string, readyTimeoutMs: number, warmup: boolean }} Task
 */

/** @type {Task} */
const task = JSON.parse(process.argv[2] ?? '{}');

/** At most `limit` of `jobs` at once. @template T @param {number} limit @param {(() => Promise<T>)[]} jobs */
async function limited(limit, jobs) {
  /** @type {T[]} */
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await /** @type {() => Promise<T>} */ (jobs[i])();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

const rexecTarget = (/** @type {Host} */ h) => ({
  host: h.host,
  port: h.port,
  username: h.username,
  privateKey: h.privateKeyPath,
  knownHosts: task.knownHostsPath,
  agent: false,
});

async function rexecFanout() {
  const { $ } = await import('@rexec/core');
  if (task.warmup) {
    const warm = $.ssh.group(task.hosts.slice(0, 1).map(rexecTarget));
    await warm.all`true`;
    await warm.closePool();
  }
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const group = $.ssh.group(task.hosts.map(rexecTarget), { concurrency: task.concurrency, readyTimeout: task.readyTimeoutMs });
  const first = await group.all`true`;
  const second = await group.all`hostname`;
  const closing = performance.now();
  await group.closePool();
  const closeMs = performance.now() - closing;
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  const failures = task.hosts.flatMap((h, i) => {
    const a = first[i];
    const b = second[i];
    if (a?.ok && b?.ok && b.result?.stdout.trim() === task.expected) return [];
    const error = (a?.ok ? b : a)?.error;
    return [`${h.name}: ${error?.name ?? 'unexpected output'}: ${error?.message.split('\n')[0] ?? b?.result?.stdout ?? ''}`];
  });
  return { wallMs, cpuMicros: used.user + used.system, failures, closeMs };
}

/** @param {Map<string, Buffer>} keys @param {string} path */
const keyOf = (keys, path) => {
  let key = keys.get(path);
  if (key === undefined) keys.set(path, (key = readFileSync(path)));
  return key;
};

/** @param {import('ssh2').Client} client @param {string} command @returns {Promise<string>} */
const exec = (client, command) =>
  new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error);
      /** @type {Buffer[]} */
      const chunks = [];
      stream.on('data', (/** @type {Buffer} */ chunk) => chunks.push(chunk));
      stream.stderr.resume();
      stream.once('close', (/** @type {number | null} */ code) => (code === 0 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`exit ${code}`))));
    });
  });

/** One host as a raw ssh2 user writes it: a nodelay socket, connect, two execs, end and wait for the close. */
async function ssh2Host(/** @type {typeof import('ssh2').Client} */ Client, /** @type {Host} */ h, /** @type {Buffer} */ privateKey) {
  const sock = await new Promise((resolve, reject) => {
    const s = netConnect({ host: h.host, port: h.port });
    s.once('error', reject);
    s.once('connect', () => {
      s.off('error', reject);
      s.setNoDelay(true);
      resolve(s);
    });
  });
  const client = new Client();
  await new Promise((resolve, reject) => {
    client.once('error', reject);
    client.once('ready', () => {
      client.off('error', reject);
      client.on('error', () => undefined);
      resolve(undefined);
    });
    client.connect({ sock, username: h.username, privateKey, readyTimeout: task.readyTimeoutMs });
  });
  try {
    await exec(client, 'true');
    const name = (await exec(client, 'hostname')).trim();
    if (name !== task.expected) throw new Error(`hostname printed ${JSON.stringify(name)}`);
  } finally {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      client.once('close', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
      client.end();
    });
  }
}

async function ssh2Fanout() {
  const ssh2 = await import('ssh2');
  const { Client } = ssh2.default ?? ssh2;
  const first = task.hosts[0];
  if (task.warmup && first !== undefined) await ssh2Host(Client, first, readFileSync(first.privateKeyPath));
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  /** @type {Map<string, Buffer>} */
  const keys = new Map();
  const outcomes = await limited(
    task.concurrency,
    task.hosts.map((h) => () =>
      ssh2Host(Client, h, keyOf(keys, h.privateKeyPath)).then(
        () => '',
        (/** @type {Error} */ error) => `${h.name}: ${error.message}`,
      ),
    ),
  );
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMicros: used.user + used.system, failures: outcomes.filter((o) => o !== '') };
}

async function fixed() {
  if (task.client === 'rexec') {
    const { $ } = await import('@rexec/core');
    const group = $.ssh.group(task.hosts.map(rexecTarget), { concurrency: task.concurrency });
    await group.closePool();
  } else {
    const ssh2 = await import('ssh2');
    const { Client } = ssh2.default ?? ssh2;
    /** @type {Map<string, Buffer>} */
    const keys = new Map();
    const clients = task.hosts.map((h) => (keyOf(keys, h.privateKeyPath), new Client()));
    for (const client of clients) client.end();
  }
  const cpu = process.cpuUsage(cpuAtStart);
  return { fixedMs: performance.now() - started, fixedCpuMs: (cpu.user + cpu.system) / 1000 };
}

try {
  if (task.mode === 'fixed') {
    report({ status: 'ok', ...(await fixed()) });
  } else {
    const { wallMs, cpuMicros, failures, closeMs } = task.client === 'rexec' ? await rexecFanout() : { ...(await ssh2Fanout()), closeMs: undefined };
    report({
      status: 'ok',
      ok: task.hosts.length - failures.length,
      failed: failures.length,
      firstFailure: failures[0]?.slice(0, 200),
      wallMs,
      cpuMicros,
      maxRssKiB: process.resourceUsage().maxRSS,
      closeMs,
    });
  }
} catch (error) {
  const e = /** @type {Error} */ (error);
  const missing = e?.message?.includes('Cannot find') || /** @type {{ code?: string }} */ (e)?.code === 'ERR_MODULE_NOT_FOUND';
  report({ status: missing ? 'unavailable' : 'error', reason: `${e?.name}: ${e?.message}`.slice(0, 300) });
}
process.exit(0);
