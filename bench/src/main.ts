/**
 * `pnpm bench [--quick] [--only SECTION,…]`: starts its own hosts (OpenSSH sshd on 127.0.0.1 and a 20 ms-RTT proxy
 * in front of it), runs every peer in its own child process, prints the tables, and writes
 * bench/results/latest.json and latest.svg (and, after a full run, the figures in docs/).
 * Exits non-zero only when our own code (the floor, `$.ssh`, the pool) crashed, hung or threw —
 * never because of a timing figure or a peer's failure.
 */
import { cpus, loadavg } from 'node:os';
import { buildCore } from './build-core.js';
import { startBenchHosts, RTT_HOST_ONE_WAY_MS } from './hosts/bench-hosts.js';
import { BENCH_SECTIONS, BenchUsageError, normalizeBenchOptions, USAGE, type BenchSection } from './options.js';
import { planFor } from './plan.js';
import { ourFailures } from './report/own-failures.js';
import type { BenchResults } from './report/results.js';
import { checkTargets } from './report/targets.js';
import { renderTables } from './report/table.js';
import { writeOutputs } from './report/write-outputs.js';
import { runMemorySection, runPoolSection, runThroughputSection } from './sections/other-sections.js';
import { runDeploySection } from './sections/deploy-section.js';
import { runTransferSection } from './sections/transfer-section.js';
import { runFaultsSection } from './sections/faults-section.js';
import { runFleetSection } from './sections/fleet-section.js';
import { runPausesSection } from './sections/pauses-section.js';
import { runSequentialSection } from './sections/sequential-section.js';

const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

async function main(): Promise<number> {
  const options = normalizeBenchOptions(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const plan = planFor(options.quick);
  const started = performance.now();
  const build = options.build ? buildCore() : { ok: true, detail: 'skipped (--no-build)', seconds: 0 };
  log(build.ok ? `@rexec/core built (${build.seconds.toFixed(1)} s)` : `@rexec/core build FAILED: ${build.detail}`);
  const loadAverageAtStart = loadavg();
  const ran = (section: BenchSection): boolean => options.sections.includes(section);
  const only = options.sections.length < BENCH_SECTIONS.length ? ` of ${options.sections.join(', ')} only` : '';
  log(`${options.quick ? 'quick' : 'full'} run${only}; load average ${loadAverageAtStart.map((v) => v.toFixed(2)).join(' ')}`);
  const hosts = await startBenchHosts();
  let results: BenchResults;
  try {
    log(`sshd (${hosts.sshdKind}) on 127.0.0.1:${hosts.loopback.port}; 20 ms RTT proxy on 127.0.0.1:${hosts.rtt20.port}`);
    const bothHosts = [hosts.loopback, hosts.rtt20];
    const sequential = ran('sequential') ? await runSequentialSection(bothHosts, plan, log) : [];
    const pauses = ran('pauses') ? await runPausesSection(bothHosts, plan, log) : [];
    const deploy = ran('deploy') ? await runDeploySection(bothHosts, plan, log) : [];
    const transfer = ran('transfer') ? await runTransferSection(bothHosts, plan, log) : [];
    const throughput = ran('throughput') ? await runThroughputSection(hosts.loopback, plan, log, hosts.server) : [];
    const memory = ran('memory') ? await runMemorySection(hosts.loopback, plan, log) : [];
    const pool: BenchResults['pool'] = ran('pool') ? await runPoolSection(options.quick, plan, log) : { status: 'skipped', reason: 'not selected (--only)' };
    const faults: BenchResults['faults'] = ran('faults') ? await runFaultsSection(plan, log) : { restart: [], silent: [], down: [] };
    const fleet = ran('fleet') ? await runFleetSection(plan.fleet, log) : undefined;
    const partial = { sequential, pauses, throughput, memory, pool, deploy, faults, transfer, fleet };
    results = {
      meta: {
        date: new Date().toISOString(),
        quick: options.quick,
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        cpus: cpus().length,
        loadAverageAtStart,
        sshd: hosts.sshdKind,
        rttHostOneWayDelayMs: RTT_HOST_ONE_WAY_MS,
        durationSeconds: (performance.now() - started) / 1000,
        plan,
        sections: options.sections,
      },
      ...partial,
      targets: checkTargets(partial).filter((target) => ran(target.section)),
    };
  } finally {
    await hosts.stop();
  }
  console.log(renderTables(results));
  const written = await writeOutputs(results, options.updateDocs);
  log(`wrote ${written.join(', ')}`);
  const failures = [...(build.ok ? [] : [`@rexec/core build failed: ${build.detail.slice(-300)}`]), ...ourFailures(results)];
  for (const failure of failures) log(`FAILED (our code): ${failure}`);
  return failures.length === 0 ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof BenchUsageError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    console.error('[bench] the benchmark itself failed:', error);
    process.exitCode = 1;
  }
}
