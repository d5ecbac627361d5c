import type * as Ssh2 from 'ssh2';

export type Ssh2Module = typeof Ssh2;

/**
 * Loads ssh2 on first use (a script that only runs local commands never loads it).
 * Node's module cache makes later calls cheap; nothing is kept here.
 */
export async function loadSsh2(): Promise<Ssh2Module> {
  const loaded = (await import('ssh2')) as Ssh2Module & { default?: Ssh2Module };
  return loaded.default ?? loaded;
}
