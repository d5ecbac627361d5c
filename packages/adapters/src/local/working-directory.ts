import { stat } from 'node:fs/promises';
import { ConfigError } from '../errors/index.js';

/** Throws `ConfigError` naming `cwd` unless it is an existing directory. */
export async function assertWorkingDirectory(cwd: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(cwd)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    const problem = code === 'ENOENT' ? 'does not exist' : `cannot be used (${code})`;
    throw new ConfigError(
      `The working directory "${cwd}" ${problem}; create it or pass an existing directory as cwd`,
      'cwd',
      { cause: error },
    );
  }
  if (!isDirectory) {
    throw new ConfigError(`The working directory "${cwd}" is not a directory; pass a directory as cwd`, 'cwd');
  }
}
