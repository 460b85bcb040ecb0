import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kernelBuild } from '../../src/core/kernel/recurrenceKernel';
import {
  RECURRENCE_RELAXED_WASM_BASE64,
  RECURRENCE_WASM_BASE64,
} from '../../src/core/kernel/recurrenceWasm';

// A module whose one function is f32x4.relaxed_madd: whether this engine has relaxed SIMD,
// asked independently of the kernel's own choice.
const RELAXED_MADD_OPCODE = [0xfd, 0x85, 0x02];
const RELAXED_PROBE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version
  ...[0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b], // type: (v128 v128 v128) -> v128
  ...[0x03, 0x02, 0x01, 0x00], // one function of that type
  // code: local.get 0, 1, 2; f32x4.relaxed_madd; end
  ...[0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02],
  ...RELAXED_MADD_OPCODE,
  0x0b,
]);

function count(bytes: Buffer, sequence: number[]): number {
  let found = 0;
  for (
    let at = bytes.indexOf(Buffer.from(sequence));
    at >= 0;
    at = bytes.indexOf(Buffer.from(sequence), at + 1)
  )
    found++;
  return found;
}

describe('the kernel build', () => {
  it('is the relaxed-SIMD build exactly where WebAssembly validates relaxed SIMD', () => {
    assert.equal(kernelBuild(), WebAssembly.validate(RELAXED_PROBE) ? 'relaxed' : 'simd128');
  });

  it('is the one this test pass asked for (npm run test:unit runs each build once)', (t) => {
    const expected = process.env.RNN_TEST_KERNEL;
    if (!expected) return t.skip('RNN_TEST_KERNEL is set by scripts/test-unit.mjs');
    assert.equal(kernelBuild(), expected);
  });

  it('has its matmuls on fused multiply-adds in the relaxed build only', () => {
    const relaxed = Buffer.from(RECURRENCE_RELAXED_WASM_BASE64, 'base64');
    const simd128 = Buffer.from(RECURRENCE_WASM_BASE64, 'base64');
    // gemm's 4x8 block alone holds 8 of them; gemm_row and the packed panels hold more.
    assert.ok(count(relaxed, RELAXED_MADD_OPCODE) >= 8);
    assert.equal(count(simd128, RELAXED_MADD_OPCODE), 0);
    assert.ok(WebAssembly.validate(new Uint8Array(simd128)));
  });
});
