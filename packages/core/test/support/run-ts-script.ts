import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp-dir.js';

/**
 * Runs a TypeScript file of this package in a fresh Node process (tsx), resolving the workspace packages to
 * their sources as vitest does. Resolves with the exit code (or 'hung' after `timeoutMs`) and the output.
 */
export async function runTsScript(
  script: string,
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ exit: number | 'hung'; output: string }> {
  const tsconfig = join(tempDir(), 'tsconfig.json');
  const source = (pkg: string): string => fileURLToPath(new URL(`../../../${pkg}/src/index.ts`, import.meta.url));
  writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { paths: { '@rexec/adapters': [source('adapters')], '@rexec/testing': [source('testing')] } } }));
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const child = spawn(process.execPath, ['--import', tsx, script], {
    env: { ...process.env, ...env, TSX_TSCONFIG_PATH: tsconfig },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = await new Promise<number | 'hung'>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('hung');
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
  return { exit, output };
}
