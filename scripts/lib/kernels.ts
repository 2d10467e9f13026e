/** Compiles src/core/vector-kernels.wat with wabt (the WebAssembly project's tool kit, a dev dependency). */
import { readFile } from 'node:fs/promises';
import wabtInit from 'wabt';

export const KERNELS_WAT = new URL('../../src/core/vector-kernels.wat', import.meta.url);

/** The module's bytes, compiled from the .wat text. */
export async function compileKernels(): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat('vector-kernels.wat', await readFile(KERNELS_WAT, 'utf8'), { simd: true });
  try {
    parsed.validate();
    return parsed.toBinary({}).buffer;
  } finally {
    parsed.destroy();
  }
}
