import * as v8 from 'node:v8';

/**
 * Lets the recurrence kernel's relaxed-SIMD build load under Node 20, whose V8 (11.3) keeps
 * relaxed SIMD behind a flag; VS Code's extension host (since 1.82) and Node 21 and up have it
 * on, and Node 22's V8 no longer knows the flag. Called before the kernel is first compiled, so
 * the CLI and the benches run the kernel build the extension runs.
 */
export function enableRelaxedSimd(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major <= 20) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
}
