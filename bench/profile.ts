// Per-kernel time of one training step (forward + backward + SGD update) of a built-in model, to see what
// dominates on a backend. Usage: node out/bench/profile.js [resnet20|small-cnn] [batch] [backend] [alpha]
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/engine/backend';
import { KernelTimer } from './kernelTimer';
import { buildModel } from '../src/engine/models';
import { SelectivityLayout, selectivityRegularizer } from '../src/engine/selectivity';

async function main(): Promise<void> {
  const [modelName = 'resnet20', batchArg = '128', backend = 'wasm', alphaArg = '0', threadsArg = '1'] = process.argv.slice(2);
  const batch = Number(batchArg);
  const alpha = Number(alphaArg);
  await initBackend(backend as 'wasm', { threads: Number(threadsArg) });
  const shape: [number, number, number] = modelName === 'small-cnn' ? [28, 28, 1] : [32, 32, 3];
  const built = await buildModel({ name: modelName as 'resnet20' }, { shape, numClasses: 10 }, 1);
  const layout = new SelectivityLayout(built.unitLayers, 10);
  const opt = tf.train.momentum(0.05, 0.9);
  const x = tf.randomNormal([batch, ...shape]) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32');
  const step = () =>
    tf.tidy(() => {
      opt.minimize(() => {
        const { logits, unitMeans } = built.forward(x, true);
        const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), logits);
        if (alpha === 0) return ce as tf.Scalar;
        const { netSI } = selectivityRegularizer(unitMeans, y, layout);
        return tf.sub(ce, tf.mul(alpha, netSI)) as tf.Scalar;
      }, false, built.trainableVariables());
    });
  for (let i = 0; i < 2; i++) step();
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const reps = 3;
  for (let i = 0; i < reps; i++) step();
  const ms = (Date.now() - t0) / reps;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / reps;
  console.log(`${modelName} batch ${batch} on ${backend} alpha ${alpha}: ${ms.toFixed(0)} ms/step wall (${((batch * 1000) / ms).toFixed(1)} img/s), ${cpuMs.toFixed(0)} ms cpu (${((batch * 1000) / cpuMs).toFixed(1)} img/s)`);
  const timer = new KernelTimer(tf.getBackend());
  timer.enabled = true;
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  step();
  const stepWall = performance.now() - w0;
  const c = process.cpuUsage(c0);
  timer.enabled = false;
  const kernelMs = timer.byName().reduce((n, [, s]) => n + s.ms, 0);
  const kernelWall = timer.byName().reduce((n, [, s]) => n + s.wallMs, 0);
  console.log(`one step: ${((c.user + c.system) / 1000).toFixed(0)} ms cpu (kernels ${kernelMs.toFixed(0)}), ${stepWall.toFixed(0)} ms wall (kernels ${kernelWall.toFixed(0)})`);
  console.log('  kernel                       cpu ms    wall ms');
  for (const [name, s] of timer.byName().slice(0, 25)) console.log(`  ${name.padEnd(24)} ${s.ms.toFixed(1).padStart(9)} ${s.wallMs.toFixed(1).padStart(9)}  x${s.calls}`);
  console.log('top kernel+shape (cpu ms, wall ms):');
  for (const [key, s] of timer.top(30)) console.log(`  ${s.ms.toFixed(1).padStart(7)} ${s.wallMs.toFixed(1).padStart(7)} x${s.calls} ${key.slice(0, 140)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
