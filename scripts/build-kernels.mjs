// Assembles the hand-written wasm SIMD kernels (src/engine/backend/kernels/*.wat) next to the compiled engine
// (out/src/engine/backend/kernels/), twice each: for the single-threaded wasm backend, whose memory is plain, and
// for the multi-threaded one, whose memory is shared (an imported memory must match in that respect).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import initWabt from 'wabt';

const srcDir = 'src/engine/backend/kernels';
const outDir = 'out/src/engine/backend/kernels';
const memoryImport = '(import "env" "memory" (memory 1 65536))';
const wabt = await initWabt();
const features = { simd: true, threads: true };
mkdirSync(outDir, { recursive: true });
for (const file of readdirSync(srcDir).filter((f) => f.endsWith('.wat'))) {
  const text = readFileSync(path.join(srcDir, file), 'utf8');
  if (!text.includes(memoryImport)) throw new Error(`${file}: expected the memory import ${memoryImport}`);
  const variants = { '': text, '.shared': text.replace(memoryImport, memoryImport.replace('65536)', '65536 shared)')) };
  for (const [suffix, source] of Object.entries(variants)) {
    const mod = wabt.parseWat(file, source, features);
    try {
      mod.validate(features);
      const out = path.join(outDir, file.replace(/\.wat$/, `${suffix}.wasm`));
      writeFileSync(out, mod.toBinary({}).buffer);
    } finally {
      mod.destroy();
    }
  }
}
