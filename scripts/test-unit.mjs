// npm run test:unit: every unit test twice, once per tfjs backend (wasm, then cpu), and across
// the two passes both builds of the recurrence kernel: the wasm pass runs the relaxed-SIMD build
// (the one VS Code runs), the cpu pass the SIMD128 build. Node 20 needs a V8 flag for relaxed
// SIMD, which Node 22 and up have on and no longer accept; there both passes run the relaxed
// build, and this says so. RNN_TEST_KERNEL tells test/unit/kernelBuild.test.ts which build each
// pass must have loaded.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './e2e/paths.mjs';

const FLAG = '--experimental-wasm-relaxed-simd';
const flagAccepted = spawnSync(process.execPath, [FLAG, '-e', '0']).status === 0;
const files = readdirSync(join(ROOT, 'test', 'unit'))
  .filter((f) => f.endsWith('.test.ts'))
  .sort()
  .map((f) => join('test', 'unit', f));
const passes = [
  { backend: 'wasm', kernel: 'relaxed', flags: flagAccepted ? [FLAG] : [] },
  { backend: 'cpu', kernel: flagAccepted ? 'simd128' : 'relaxed', flags: [] },
];
if (!flagAccepted)
  console.log(
    `Node ${process.version} has relaxed SIMD on: the SIMD128 kernel is tested on Node 20.`,
  );
for (const pass of passes) {
  console.log(`\nUnit tests: tfjs ${pass.backend} backend, ${pass.kernel} kernel`);
  const result = spawnSync(
    process.execPath,
    [...pass.flags, '--import', 'tsx', '--test', '--test-reporter=spec', ...files],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, RNN_TEST_BACKEND: pass.backend, RNN_TEST_KERNEL: pass.kernel },
    },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}
