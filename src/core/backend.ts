import * as tf from '@tensorflow/tfjs-core';
// A named import: bundlers drop a bare import of this package as side-effect free.
import { MathBackendCPU, version_cpu } from '@tensorflow/tfjs-backend-cpu';
// tfjs-core ships gradients separately from the ops; training needs them registered.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as path from 'node:path';
import { kernelBuild, recurrenceKernel, type KernelBuild } from './kernel/recurrenceKernel';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendAttempt {
  name: BackendName;
  error?: string;
}

export interface BackendInfo {
  name: BackendName;
  tfjsVersion: string;
  /** Every backend tried before (and including) the one that runs, with why each failed. */
  attempts: BackendAttempt[];
  /** The build of the recurrence kernel this engine runs, whatever the tfjs backend. */
  kernel: KernelBuild;
}

export interface BackendOptions {
  /** Folder holding tfjs-backend-wasm's .wasm files; bundles copy them next to themselves. */
  wasmDir?: string;
}

/** Where the .wasm files sit when running from source; bundles pass their own folder. */
function defaultWasmDir(): string {
  const wasmPackage = '@tensorflow/tfjs-backend-wasm/package.json';
  return path.join(path.dirname(require.resolve(wasmPackage)), 'dist');
}

/**
 * The native backend is an optional dependency that cannot install everywhere (its install step
 * downloads libtensorflow), so it is loaded at run time and its absence is an expected outcome.
 * tfjs keeps its engine on globalThis, so the backend it registers is visible to this bundle's
 * copy of tfjs-core too.
 */
function registerNativeBackend(): void {
  const load = require;
  load('@tensorflow/tfjs-node');
}

async function tryBackend(name: BackendName, options: BackendOptions): Promise<void> {
  if (name === 'tensorflow') registerNativeBackend();
  if (name === 'wasm') setWasmPaths(path.join(options.wasmDir ?? defaultWasmDir(), path.sep));
  if (!(await tf.setBackend(name)))
    throw new Error(`tfjs could not initialise the ${name} backend`);
  await tf.ready();
}

// The stock cpu factory prints an advert for tfjs-node on first use; we say which backend runs.
tf.removeBackend('cpu');
tf.registerBackend('cpu', () => Object.assign(new MathBackendCPU(), { firstUse: false }), 1);

let active: BackendInfo | undefined;

/** Picks the backend: the preferred one, or for `auto` the fastest that loads. */
export async function initBackend(
  preference: BackendPreference,
  options: BackendOptions = {},
): Promise<BackendInfo> {
  const candidates = preference === 'auto' ? BACKEND_ORDER : [preference];
  const attempts: BackendAttempt[] = [];
  for (const name of candidates) {
    try {
      if (active?.name !== name) await tryBackend(name, options);
      attempts.push({ name });
      active = { name, tfjsVersion: version_cpu, attempts, kernel: kernelBuild() };
      return active;
    } catch (error) {
      attempts.push({
        name,
        error: error instanceof Error ? error.message.split('\n')[0] : String(error),
      });
    }
  }
  const reasons = attempts.map((a) => `${a.name}: ${a.error}`).join('; ');
  throw new Error(`No TensorFlow.js backend could start (${reasons})`);
}

export function activeBackend(): BackendInfo | undefined {
  return active;
}

export function describeAttempts(info: BackendInfo): string {
  const attempts = info.attempts
    .map((a) => (a.error ? `${a.name} unavailable (${a.error})` : `${a.name} active`))
    .join(', ');
  return `${attempts}; recurrence kernel: ${describeKernel(info.kernel)}`;
}

const KERNEL_NAMES: Record<KernelBuild, string> = {
  relaxed: 'WebAssembly relaxed SIMD (fused multiply-add)',
  simd128: 'WebAssembly SIMD128 (this engine has no relaxed SIMD)',
};

export function describeKernel(build: KernelBuild): string {
  return KERNEL_NAMES[build];
}

/** Live tensors and their bytes on the current backend, for the memory report. */
export function engineMemory(): {
  tensors: number;
  bytes: number;
  kernelBytes: number;
  keptRegions: number;
} {
  const memory = tf.memory();
  const kernel = recurrenceKernel().memory();
  return {
    tensors: memory.numTensors,
    bytes: memory.numBytes,
    kernelBytes: kernel.bytes,
    keptRegions: kernel.keptRegions,
  };
}
