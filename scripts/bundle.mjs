// Bundles the CLI into one file (dist/bin/strata.js, replacing tsc's output for it) with its worker
// threads beside it: loading one file instead of some 300 modules halves the start-up time of every
// command (measured: `strata --version` 0.22 s -> 0.11 s on 2 vCPUs). The library under dist/
// (plumbing/, porcelain/, personas/) stays as tsc wrote it.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const common = {
  outdir: 'dist/bin',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  // A native addon with platform packages: loaded from node_modules at run time.
  external: ['sharp'],
  // Bundled CommonJS packages call require(); give them one.
  banner: { js: "import { createRequire as __strataRequire } from 'node:module'; const require = __strataRequire(import.meta.url);" },
};

rmSync('dist/bin/chunks', { recursive: true, force: true });
// The CLI: what only some commands load (the creative persona's image and model libraries) goes into
// chunks those commands import on use, so every other command still starts from one file.
await build({ ...common, entryPoints: { strata: 'bin/strata.ts' }, splitting: true, chunkNames: 'chunks/[name]-[hash]' });
// The worker threads, found by the code that starts them next to itself (new URL('./<name>.js',
// import.meta.url)): that code may sit in the entry file or in a chunk, so each worker is in both
// folders. (Without a worker file beside it, the pool is off and everything runs on one thread.)
for (const outdir of ['dist/bin', 'dist/bin/chunks']) {
  await build({
    ...common,
    outdir,
    entryPoints: {
      'object-worker': 'plumbing/store/object-worker.ts',
      'object-reader-worker': 'plumbing/store/object-reader-worker.ts',
      'file-writer-worker': 'plumbing/ops/file-writer-worker.ts',
    },
  });
}
