/** Every message text of host groups (docs/fleets.md) is built here. Names and numbers only: never a credential. */

const SHOWN_TARGETS = 3;

/** How messages name a group: `group of 3 hosts (a@web1:22, a@web2:22, a@web3:22)`. */
export function groupLabel(targets: readonly string[]): string {
  const shown = targets.slice(0, SHOWN_TARGETS).join(', ');
  const more = targets.length > SHOWN_TARGETS ? `, … ${targets.length - SHOWN_TARGETS} more` : '';
  return `group of ${targets.length} host${targets.length === 1 ? '' : 's'} (${shown}${more})`;
}

export function badGroupOptionMessage(option: string, why: string): string {
  return `Invalid host group option "${option}": ${why}`;
}

export function badTargetsMessage(what: string): string {
  return `$.ssh.group(targets): targets must be an array of targets (strings or options objects) or a ~/.ssh/config host pattern such as 'web*'; got ${what}`;
}

export function emptyGroupMessage(): string {
  return '$.ssh.group(targets): a group needs at least one host; targets is empty';
}

export function badHostPatternMessage(pattern: string): string {
  return `$.ssh.group(${JSON.stringify(pattern)}): a host pattern is one word of ~/.ssh/config Host patterns ('web*', 'web?', 'web*,!web3')`;
}

export function noHostMatchesMessage(pattern: string, path: string, exists: boolean): string {
  if (!exists) return `$.ssh.group(${JSON.stringify(pattern)}): the SSH config file ${path} does not exist, so no Host entry matches; pass an array of targets instead`;
  return `$.ssh.group(${JSON.stringify(pattern)}): no Host entry of ${path} matches (only concrete names count: a Host line's wildcard patterns are not hosts)`;
}

export function targetProblemMessage(index: number, shown: string, message: string): string {
  return `$.ssh.group: targets[${index}] (${shown}): ${message}`;
}

export function duplicateTargetMessage(target: string, first: number, second: number): string {
  return `$.ssh.group: targets[${first}] and targets[${second}] are the same host (${target}); list each host once (use weight for a bigger share)`;
}

export function hostInGroupOptionsMessage(): string {
  return badGroupOptionMessage('host', 'each target names its host; give host in the targets, not in the group options');
}

export function badWeightMessage(index: number, value: unknown): string {
  return `$.ssh.group: targets[${index}].weight must be a positive finite number, got ${String(value)}`;
}

export function badRunOptionMessage(option: string, why: string): string {
  return `Invalid group.all / group.each option "${option}": ${why}`;
}

export function unknownRunOptionsMessage(keys: readonly string[], known: readonly string[]): string {
  return `Unknown group.all / group.each option${keys.length === 1 ? '' : 's'} ${keys.map((key) => `"${key}"`).join(', ')}; the known options are ${known.join(', ')}`;
}

export function badGroupWarmMessage(n: unknown): string {
  return `group.warmPool(n): n must be a non-negative integer (connections per host), got ${String(n)}`;
}

export function perTargetShellMessage(option: 'shell' | 'pipefail'): string {
  return `${option} applies to the whole group (a command is built once for every host): give it in the group options, or use group.${option}(…)`;
}
