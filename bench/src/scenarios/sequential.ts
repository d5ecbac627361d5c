/**
 * Sequential latency: one command at a time on one session. First the first-command cycles
 * (open → first command → close; the first cycle runs in a cold process), then for each command
 * a warm-up and the measured loop, timing each command and the loop's CPU.
 */
import type { CommandSamples, SequentialParams, SequentialResult } from '../child/protocol.js';
import type { LoadedPeer } from '../peers/peer.js';
import { cpuSince, markCpu } from './cpu.js';

const expectedOutput = (command: string): string | undefined => (command === 'echo hi' ? 'hi\n' : command === 'true' ? '' : undefined);

async function firstCommandCycles(peer: LoadedPeer, cycles: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < cycles; i++) {
    const started = performance.now();
    const session = await peer.open({ purpose: 'sequential' });
    try {
      await session.exec('true');
      times.push(performance.now() - started);
    } finally {
      await session.close();
    }
  }
  return times;
}

export async function runSequential(peer: LoadedPeer, params: SequentialParams): Promise<SequentialResult> {
  const firstCommand = await firstCommandCycles(peer, params.firstCommandCycles);
  const session = await peer.open({ purpose: 'sequential' });
  const commands: CommandSamples[] = [];
  try {
    for (const command of params.commands) {
      const expected = expectedOutput(command);
      const samples: number[] = [];
      let errors = 0;
      let warmupErrors = 0;
      let firstError: string | undefined;
      // A failed warm-up command is counted, not thrown, so one flaky command is a figure, not a lost row.
      for (let i = 0; i < params.warmup; i++) {
        await session.exec(command).catch((error: unknown) => {
          warmupErrors++;
          firstError ??= `warm-up: ${String(error)}`;
        });
      }
      const mark = markCpu();
      const loopStart = performance.now();
      const more = (i: number): boolean =>
        i < params.minIterations || (i < params.maxIterations && performance.now() - loopStart < params.budgetMs);
      for (let i = 0; more(i); i++) {
        const started = performance.now();
        try {
          const stdout = await session.exec(command);
          const elapsed = performance.now() - started;
          if (expected !== undefined && stdout !== expected) throw new Error(`unexpected output ${JSON.stringify(stdout.slice(0, 40))}`);
          samples.push(elapsed);
        } catch (error) {
          errors++;
          firstError ??= String(error);
        }
      }
      const cpu = cpuSince(mark);
      commands.push({ command, samples, cpuMicros: cpu.total, childCpuMicros: cpu.children, errors, warmupErrors, firstError });
    }
  } finally {
    await session.close();
  }
  return { kind: 'sequential', firstCommand, commands };
}
