/**
 * Writes a run's outputs: bench/results/latest.json and latest.svg always; after a full run also
 * docs/performance.svg and the generated figures block of docs/performance.md (between its
 * `<!-- bench:figures:start -->` and `<!-- bench:figures:end -->` markers; the prose is left alone).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderMarkdownFigures } from './markdown.js';
import type { BenchResults } from './results.js';
import { renderSvg } from './svg-chart.js';

const BENCH_DIR = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS_DIR = `${BENCH_DIR}results/`;
const DOCS_DIR = fileURLToPath(new URL('../../../docs/', import.meta.url));
const START = '<!-- bench:figures:start -->';
const END = '<!-- bench:figures:end -->';

/** JSON without NaN (which JSON cannot hold): missing figures become null. */
const toJson = (results: BenchResults): string =>
  `${JSON.stringify(results, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;

async function updateDocsFigures(results: BenchResults): Promise<string> {
  const path = `${DOCS_DIR}performance.md`;
  const text = await readFile(path, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${path} has no ${START} … ${END} block to fill`);
  const figures = renderMarkdownFigures(results);
  await writeFile(path, `${text.slice(0, start + START.length)}\n${figures}\n${text.slice(end)}`);
  return path;
}

/** Returns the paths written. */
export async function writeOutputs(results: BenchResults, updateDocs: boolean): Promise<string[]> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const svg = renderSvg(results);
  const written = [`${RESULTS_DIR}latest.json`, `${RESULTS_DIR}latest.svg`];
  await writeFile(written[0] ?? '', toJson(results));
  await writeFile(written[1] ?? '', svg);
  if (updateDocs) {
    await writeFile(`${DOCS_DIR}performance.svg`, svg);
    written.push(`${DOCS_DIR}performance.svg`, await updateDocsFigures(results));
  }
  return written;
}
