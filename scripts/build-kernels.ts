/**
 * Compiles src/core/vector-kernels.wat and prints the module as base64, for KERNELS_WASM_BASE64 in
 * src/core/vector-kernels.ts (test/vector-kernels.test.ts checks that the two agree):
 *
 *   npx tsx scripts/build-kernels.ts
 */
import { compileKernels } from './lib/kernels.js';

process.stdout.write(`${Buffer.from(await compileKernels()).toString('base64')}\n`);
