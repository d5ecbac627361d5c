/**
 * Every message text the pool builds itself (option errors, misuse). The error classes and their
 * shared messages live in @rexec/adapters' errors module; these are the pool-only ones.
 */
export function invalidOptionMessage(name: string, expected: string, got: unknown, hint: string): string {
  return `Invalid pool option "${name}": expected ${expected}, got ${describeValue(got)}. ${hint}`;
}

export function unknownOptionsMessage(where: string, unknown: readonly string[], known: readonly string[]): string {
  const listed = unknown.map((name) => {
    const close = closest(name, known);
    return close === undefined ? `"${name}"` : `"${name}" (did you mean "${close}"?)`;
  });
  return `Unknown ${where} option${unknown.length > 1 ? 's' : ''}: ${listed.join(', ')}. Known options: ${known.join(', ')}.`;
}

export function notAnObjectMessage(where: string, got: unknown): string {
  return `${where} must be an object of options, got ${describeValue(got)}.`;
}

export function badFactoryMessage(what: string, got: unknown): string {
  return `createPool(factory): factory.${what} must be a function returning a promise, got ${describeValue(got)}.`;
}

export function notOnLoanMessage(target: string, id: string, state: string): string {
  return (
    `release() was given resource ${id} of the pool for ${target}, but it is ${state}, not borrowed: ` +
    'it was already released. Release each acquired resource exactly once.'
  );
}

export function foreignResourceMessage(target: string, method: string): string {
  return (
    `${method}() was given a resource that is not part of the pool for ${target}: it was never acquired ` +
    'from this pool, or it was already destroyed. Pass only resources this pool lent you.'
  );
}

export function duplicateResourceMessage(target: string, id: string): string {
  return `factory.create() of the pool for ${target} returned a resource that is already in the pool (${id}); create must return a new resource each time.`;
}

export function badCountMessage(method: string, got: unknown): string {
  return `${method}(n): n must be a non-negative integer, got ${describeValue(got)}.`;
}

export function badAcquireOptionMessage(name: string, got: unknown): string {
  return `acquire({ ${name} }): ${name === 'timeout' ? 'timeout must be a positive number of ms' : 'signal must be an AbortSignal'}, got ${describeValue(got)}.`;
}

export function noKeyMessage(target: string, key: unknown): string {
  return `acquire(key) of the keyed pool for ${target}: key must be a non-empty string, got ${describeValue(key)}.`;
}

export function badReasonMessage(got: unknown, reasons: readonly string[]): string {
  return `destroy(resource, reason): reason must be one of ${reasons.map((r) => `"${r}"`).join(', ')}, got ${describeValue(got)}. Omit it for "error".`;
}

export function describeValue(value: unknown): string {
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
