#!/usr/bin/env node
// The JavaScript of a published package as one ES module: `dist/index.js` bundled by esbuild from
// `src/index.ts` (dependencies stay imports), with a source map into src/. Run from the package's folder,
// after `tsc --emitDeclarationOnly` wrote the declarations. One file instead of ~180 modules: Node resolves,
// reads and links each ES module separately, and importing @rexec/core cost ~100 ms of CPU that way against
// ~30 ms bundled (docs/performance.md, fleet fixed cost).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  sourcesContent: false,
  // Bundling renames clashing names (two modules' `Foo` become `Foo` and `Foo2`); class and function names are
  // what users see in errors and stack traces.
  keepNames: true,
  logLevel: 'warning',
});
