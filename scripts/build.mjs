// Bundles the extension host code, the training worker and the CLI with esbuild, and copies
// the tfjs WebAssembly binaries next to them (the wasm backend loads them from disk at run time).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  // vscode is provided by the host; tfjs-node is optional and native, loaded only if installed.
  external: ['vscode', '@tensorflow/tfjs-node'],
  logLevel: 'warning',
};

const builds = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/extension/training/worker.ts'], outfile: 'dist/trainWorker.js' },
  { ...node, entryPoints: ['src/extension/race/raceWorker.ts'], outfile: 'dist/raceWorker.js' },
  {
    ...node,
    entryPoints: ['src/extension/explorer/analysisWorker.ts'],
    outfile: 'dist/analysisWorker.js',
  },
  // The training helper thread the training worker starts for a second core.
  {
    ...node,
    entryPoints: ['src/core/training/stepHelperThread.ts'],
    outfile: 'dist/stepHelper.js',
  },
  // The Explorer webview: a browser bundle the page loads under its CSP nonce.
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: {
      explorer: 'src/webview/explorer/main.ts',
      results: 'src/webview/results/main.ts',
      sidebar: 'src/webview/sidebar/main.ts',
    },
    outdir: 'dist/webview',
  },
];

mkdirSync('dist', { recursive: true });
const wasmDir = dirname(
  require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'),
);
for (const file of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) {
  copyFileSync(join(wasmDir, file), join('dist', file));
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
