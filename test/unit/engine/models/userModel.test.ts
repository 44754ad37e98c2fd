// A user's tfjs model.json (built and saved here with real tfjs-layers) is loaded, its ReLUs found and analysed;
// unusable files fail with MODEL_INVALID naming the file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildModel, saveModelAtomic } from '../../../../src/engine/models';
import { fileIOHandler } from '../../../../src/engine/models/io';
import { SelectivityAccumulator } from '../../../../src/engine/selectivity';
import { isEngineError } from '../../../../src/engine/errors';

const INPUT = { shape: [12, 12, 1] as [number, number, number], numClasses: 3 };
let tmp: string;

/** A user-style Sequential model with all three kinds of ReLU and a softmax head. */
function userModel(): tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: 'relu', name: 'c1' }));
  m.add(tfl.layers.conv2d({ filters: 6, kernelSize: 3, name: 'c2' }));
  m.add(tfl.layers.reLU({ name: 'c2_relu' }));
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dense({ units: 5, name: 'd1' }));
  m.add(tfl.layers.activation({ activation: 'relu', name: 'd1_act' }));
  m.add(tfl.layers.dense({ units: 8, activation: 'tanh', name: 'd2' }));
  m.add(tfl.layers.dense({ units: 3, activation: 'softmax', name: 'out' }));
  return m;
}

function rejectsNaming(file: string, pattern: RegExp) {
  return (e: unknown) => isEngineError(e) && e.code === 'MODEL_INVALID' && e.message.includes(file) && pattern.test(e.message);
}

before(async () => {
  await tf.setBackend('cpu');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-user-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('user model', () => {
  it('finds the ReLU units of a saved model.json and analyses them', async () => {
    const original = userModel();
    await saveModelAtomic(original, path.join(tmp, 'mine'));
    const built = await buildModel({ name: 'user', path: 'mine/model.json' }, INPUT, 0, tmp);
    assert.deepEqual(
      built.unitLayers.map((l) => [l.name, l.units, l.kind]),
      [
        ['c1', 4, 'conv'],
        ['c2_relu', 6, 'conv'],
        ['d1_act', 5, 'dense'],
      ],
    );
    assert.equal(built.totalUnits, 15);
    assert.equal(built.params, original.countParams());
    const x = tf.randomUniform([6, 12, 12, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
    // Softmax heads are turned into log-probabilities, which give the same cross-entropy as logits.
    const gap = tf.tidy(() => {
      const { logits } = built.forward(x, false);
      const logProbs = tf.log(original.predict(x) as tf.Tensor);
      return tf.max(tf.abs(tf.sub(logits, logProbs))).dataSync()[0];
    });
    assert.ok(gap < 1e-5, `log-softmax gap ${gap}`);
    const acc = new SelectivityAccumulator({ unitLayers: built.unitLayers, numClasses: 3, bins: 5 });
    const { unitMeans, logits } = built.forward(x, false);
    await acc.add(unitMeans, labels);
    tf.dispose([unitMeans, logits]);
    const result = await acc.finish();
    assert.deepEqual(
      result.layers.map((l) => l.layer),
      ['c1', 'c2_relu', 'd1_act'],
    );
    for (const l of result.layers) l.si.forEach((v) => assert.ok(v >= 0 && v <= 1, `SI ${v} in [0, 1]`));
    assert.ok(Number.isFinite(result.networkSI));
    acc.dispose();
    tf.dispose([x, labels]);
    built.dispose();
    original.dispose();
  });

  it('fails with MODEL_INVALID naming the file when it is missing, unreadable, ReLU-free or mismatched', async () => {
    const missing = path.join(tmp, 'absent', 'model.json');
    await assert.rejects(() => buildModel({ name: 'user', path: missing }, INPUT, 0), rejectsNaming(missing, /does not exist/));

    const garbled = path.join(tmp, 'garbled.json');
    fs.writeFileSync(garbled, '{ not json');
    await assert.rejects(() => buildModel({ name: 'user', path: garbled }, INPUT, 0), rejectsNaming(garbled, /not a readable/));

    const noRelu = tfl.sequential({
      layers: [tfl.layers.flatten({ inputShape: [12, 12, 1] }), tfl.layers.dense({ units: 3, activation: 'tanh' })],
    });
    const noReluFile = path.join(tmp, 'norelu', 'model.json');
    await noRelu.save(fileIOHandler(noReluFile));
    await assert.rejects(() => buildModel({ name: 'user', path: noReluFile }, INPUT, 0), rejectsNaming(noReluFile, /no ReLU/));

    const wrongInput = path.join(tmp, 'mine', 'model.json');
    await assert.rejects(
      () => buildModel({ name: 'user', path: wrongInput }, { shape: [28, 28, 1], numClasses: 3 }, 0),
      rejectsNaming(wrongInput, /input shape \[12, 12, 1\].*\[28, 28, 1\]/),
    );
    await assert.rejects(
      () => buildModel({ name: 'user', path: wrongInput }, { ...INPUT, numClasses: 10 }, 0),
      rejectsNaming(wrongInput, /10 classes/),
    );
    await assert.rejects(
      () => buildModel({ name: 'user' }, INPUT, 0),
      (e) => isEngineError(e) && e.code === 'MODEL_INVALID' && e.details.field === 'model.path',
    );
    noRelu.dispose();
  });
});
