/**
 * The strategies that pick the host for `` group`cmd` ``. Each owns its own cursor state and picks among
 * the candidates it is given (the hosts that are healthy and not yet tried for this command), so a
 * failover asks the same strategy again with fewer candidates.
 *
 * - round-robin: the next candidate after the last pick, in the group's order (exact shares).
 * - least-connections: the candidate with the fewest commands in flight; ties go round robin.
 * - weighted: smooth weighted round-robin (as nginx does): over any run of Σweights picks, each host gets
 *   exactly its weight, spread out rather than in bursts.
 * - random: uniform among the candidates.
 */
import type { GroupStrategy } from './group-types.js';

/** What a strategy needs to know of a host. */
export interface StrategyHost {
  /** The host's place in the group (0-based). */
  readonly index: number;
  readonly weight: number;
  /** Commands assigned to the host and not settled. */
  readonly inFlight: number;
}

export interface Strategy {
  /** One of `candidates` (never empty), as the strategy chooses. */
  pick<H extends StrategyHost>(candidates: readonly H[]): H;
}

/** The first candidate at or after `cursor` in group order, wrapping around. */
function firstFrom<H extends StrategyHost>(candidates: readonly H[], cursor: number): H {
  let best: H | undefined;
  let bestDistance = Infinity;
  for (const host of candidates) {
    const distance = host.index >= cursor ? host.index - cursor : host.index - cursor + Number.MAX_SAFE_INTEGER;
    if (distance < bestDistance) {
      best = host;
      bestDistance = distance;
    }
  }
  return best ?? (candidates[0] as H);
}

function roundRobin(): Strategy {
  let cursor = 0;
  return {
    pick(candidates) {
      const host = firstFrom(candidates, cursor);
      cursor = host.index + 1;
      return host;
    },
  };
}

function leastConnections(): Strategy {
  let cursor = 0;
  return {
    pick(candidates) {
      let fewest = Infinity;
      for (const host of candidates) fewest = Math.min(fewest, host.inFlight);
      const host = firstFrom(candidates.filter((candidate) => candidate.inFlight === fewest), cursor);
      cursor = host.index + 1;
      return host;
    },
  };
}

function weighted(hostCount: number): Strategy {
  const current = new Float64Array(hostCount);
  return {
    pick<H extends StrategyHost>(candidates: readonly H[]): H {
      let total = 0;
      let best = candidates[0] as H;
      for (const host of candidates) {
        current[host.index] = (current[host.index] ?? 0) + host.weight;
        total += host.weight;
        if ((current[host.index] ?? 0) > (current[best.index] ?? 0)) best = host;
      }
      current[best.index] = (current[best.index] ?? 0) - total;
      return best;
    },
  };
}

function random(source: () => number): Strategy {
  return {
    pick(candidates) {
      const at = Math.min(candidates.length - 1, Math.max(0, Math.floor(source() * candidates.length)));
      return candidates[at] as (typeof candidates)[number];
    },
  };
}

export function createStrategy(name: GroupStrategy, hostCount: number, source: () => number = Math.random): Strategy {
  switch (name) {
    case 'round-robin':
      return roundRobin();
    case 'least-connections':
      return leastConnections();
    case 'weighted':
      return weighted(hostCount);
    case 'random':
      return random(source);
  }
}
