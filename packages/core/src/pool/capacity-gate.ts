/**
 * A limit shared by several pools (the keyed pool's `maxTotal`), fair across them: when no permit is
 * free, members wait in one FIFO line; a freed permit is reserved for the first in line, which goes
 * to the back if it needs more (round robin). A member in line may make another shed an idle resource,
 * and a member whose resource comes back while others are in line gives it up (destroys it) for them.
 */

/** A limit shared with other pools (the keyed pool's `maxTotal`): one permit per resource. */
export interface CapacityGate {
  join(member: GateMember): void;
  leave(member: GateMember): void;
  /** Takes a permit (one reserved for this member first); false puts the member in line for one. */
  take(member: GateMember): boolean;
  give(): void;
  /** The member needs no more permits for now; a permit reserved for it goes to the next in line. */
  withdraw(member: GateMember): void;
  /** True when another member waits for a permit: a returned resource should make room for it. */
  contended(member: GateMember): boolean;
}

/** What the gate asks of a pool sharing it. */
export interface GateMember {
  pump(): void;
  /** Destroys one idle resource above `min` to free a permit for another member. */
  shedIdle(): boolean;
  idleCount(): number;
}

export function createCapacityGate(limit: number): CapacityGate {
  const members = new Set<GateMember>();
  const line: GateMember[] = [];
  const reserved = new Map<GateMember, number>();
  let reservedCount = 0;
  let used = 0;
  let shedding = 0;

  const free = (): number => limit - used - reservedCount;

  const offer = (): void => {
    while (free() > 0 && line.length > 0) {
      const member = line.shift();
      if (member === undefined) break;
      reserved.set(member, (reserved.get(member) ?? 0) + 1);
      reservedCount += 1;
      queueMicrotask(() => member.pump());
    }
  };

  /** The other member with the most idle resources, to shed one. */
  const donorFor = (taker: GateMember): GateMember | undefined => {
    let donor: GateMember | undefined;
    let most = 0;
    for (const member of members) {
      const idle = member === taker ? 0 : member.idleCount();
      if (idle > most) {
        donor = member;
        most = idle;
      }
    }
    return donor;
  };

  const withdraw = (member: GateMember): void => {
    const index = line.indexOf(member);
    if (index >= 0) line.splice(index, 1);
    const mine = reserved.get(member) ?? 0;
    if (mine > 0) {
      reserved.delete(member);
      reservedCount -= mine;
      offer();
    }
  };

  return {
    join: (member) => void members.add(member),
    leave(member) {
      withdraw(member);
      members.delete(member);
    },
    take(member) {
      const mine = reserved.get(member) ?? 0;
      if (mine > 0) {
        if (mine === 1) reserved.delete(member);
        else reserved.set(member, mine - 1);
        reservedCount -= 1;
        used += 1;
        return true;
      }
      if (free() > 0 && line.length === 0) {
        used += 1;
        return true;
      }
      if (!line.includes(member)) line.push(member);
      if (shedding < line.length && donorFor(member)?.shedIdle() === true) shedding += 1;
      return false;
    },
    give() {
      used -= 1;
      if (shedding > 0) shedding -= 1;
      offer();
    },
    withdraw,
    contended: (member) => line.some((other) => other !== member),
  };
}
