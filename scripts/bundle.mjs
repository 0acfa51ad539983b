// Bundles the CLI into one file (dist/bin/strata.js, replacing tsc's output for it) with its worker
// threads beside it: loading one file instead of some 300 modules halves the start-up time of every
// command (measured: `strata --version` 0.22 s -> 0.11 s on 2 vCPUs). The library under dist/
// (plumbing/, porcelain/) stays as tsc wrote it.
import { build } from 'esbuild';

await build({
  entryPoints: {
    strata: 'bin/strata.ts',
    // Found by the bundle next to itself (new URL('./<name>.js', import.meta.url)).
    'object-worker': 'plumbing/store/object-worker.ts',
    'object-reader-worker': 'plumbing/store/object-reader-worker.ts',
  },
  outdir: 'dist/bin',
  bundle: true,
  // Code loaded only by some commands (the creative persona's image and model libraries) goes into
  // chunks that those commands import on use, so every other command starts as fast as before.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // A native addon with platform packages: loaded from node_modules at run time.
  external: ['sharp'],
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  // Bundled CommonJS packages call require(); give them one.
  banner: { js: "import { createRequire as __strataRequire } from 'node:module'; const require = __strataRequire(import.meta.url);" },
});
