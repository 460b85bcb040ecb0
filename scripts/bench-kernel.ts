/**
 * `npm run bench:kernel`: the recurrence kernel alone, one layer forward and backward on a
 * names-sized batch (T 8, batch 64, hidden 128, 58 input symbols), microseconds per call.
 *
 *   npm run bench:kernel -- [--steps 8] [--batch 64] [--hidden 128] [--calls 300] [--simd128]
 *
 * It runs the kernel build VS Code runs (relaxed SIMD), or with --simd128 the plain SIMD128
 * build, for a before-and-after of fused multiply-adds (Node 20 only: later Nodes have relaxed
 * SIMD on and cannot turn it off).
 */
import { parseArgs } from 'node:util';
import { enableRelaxedSimd } from '../src/cli/relaxedSimd';
import { kernelBuild, recurrenceKernel } from '../src/core/kernel/recurrenceKernel';
import { gateCount, type CellType } from '../src/core/model/config';
import { Random } from '../src/core/random';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '8' },
    batch: { type: 'string', default: '64' },
    hidden: { type: 'string', default: '128' },
    calls: { type: 'string', default: '300' },
    simd128: { type: 'boolean', default: false },
  },
});
if (!values.simd128) enableRelaxedSimd();
const [T, B, H, calls] = [values.steps, values.batch, values.hidden, values.calls].map(Number) as [
  number,
  number,
  number,
  number,
];
const I = 58;
const random = new Random(1);
const uniform = (n: number): Float32Array => random.uniformArray(n, -0.1, 0.1);
const kernel = recurrenceKernel();
console.log(`kernel build: ${kernelBuild()}`);

for (const cell of ['rnn', 'gru', 'lstm'] as CellType[]) {
  const G = gateCount(cell) * H;
  const shape = {
    cell,
    nonlinearity: 'tanh' as const,
    steps: T,
    batch: B,
    hidden: H,
    inputSize: I,
  };
  const inputs = {
    tokens: Int32Array.from({ length: T * B }, (_, p) => p % I),
    wIH: uniform(G * I),
    wHH: uniform(G * H),
    mask: new Float32Array(T * B).fill(1),
    h0: new Float32Array(B * H),
    c0: cell === 'lstm' ? new Float32Array(B * H) : undefined,
  };
  const biases = { bIH: uniform(G), bHH: uniform(G) };
  const dOut = uniform(T * B * H);
  let forward = 0;
  let backward = 0;
  for (let i = 0; i < calls + 30; i++) {
    if (i === 30) forward = backward = 0;
    const started = performance.now();
    const run = kernel.forward(shape, inputs, biases, 'backward');
    const middle = performance.now();
    kernel.backward(shape, inputs, biases, run.handle, dOut, false);
    forward += middle - started;
    backward += performance.now() - middle;
  }
  // Multiply-adds of the recurrent matmuls: forward h W^T, backward dh and dW.
  const macs = 3 * T * B * G * H;
  const micros = ((forward + backward) / calls) * 1000;
  console.log(
    `${cell}: forward ${((forward / calls) * 1000).toFixed(0)} µs, backward ${((backward / calls) * 1000).toFixed(0)} µs, ${(macs / micros / 1000).toFixed(1)} GMAC/s of recurrent matmul`,
  );
}
