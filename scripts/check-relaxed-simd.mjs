// Whether this Node's WebAssembly has relaxed SIMD (fused multiply-add), which the kernel could
// use: validates a module whose one function is f32x4.relaxed_madd. Usage:
//   node scripts/check-relaxed-simd.mjs   (and the same under another Node, or with
//   --experimental-wasm-relaxed-simd on Node 20)
const RELAXED_MADD = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version
  ...[0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b], // type: (v128 v128 v128) -> v128
  ...[0x03, 0x02, 0x01, 0x00], // one function of that type
  // code: local.get 0, 1, 2; f32x4.relaxed_madd (0xfd 0x105); end
  ...[0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b],
]);
console.log(
  `Node ${process.version}, V8 ${process.versions.v8}: relaxed SIMD ${WebAssembly.validate(RELAXED_MADD) ? 'on' : 'off'}`,
);
