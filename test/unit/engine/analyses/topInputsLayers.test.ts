// Which layers top-inputs covers when none are named: every layer of a small network; on ResNet-50 with Tiny
// ImageNet's 200 classes (600 per-class slots a unit) only the deepest within the budget, the deepest always.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultTopInputsLayers, TOP_INPUTS_SLOTS } from '../../../../src/engine/analyses/topInputs';
import type { UnitLayerInfo } from '../../../../src/protocol/events';

const conv = (name: string, units: number): UnitLayerInfo => ({ name, units, kind: 'conv' });

test('default top-inputs layers: all of ResNet-20 on CIFAR-100, the deepest of ResNet-50 on 200 classes within the budget', () => {
  const resnet20 = Array.from({ length: 19 }, (_, i) => conv(`l${i}`, i < 7 ? 16 : i < 13 ? 32 : 64));
  assert.equal(defaultTopInputsLayers(resnet20, 100).length, 19);
  // ResNet-50's last bottleneck: 512, 512, 2048 units; the one before ends in 2048 too.
  const tail = [conv('layer4.1.relu3', 2048), conv('layer4.2.relu1', 512), conv('layer4.2.relu2', 512), conv('layer4.2.relu3', 2048)];
  const chosen = defaultTopInputsLayers(tail, 200);
  assert.deepEqual(chosen, ['layer4.2.relu1', 'layer4.2.relu2', 'layer4.2.relu3']);
  const slots = tail.filter((l) => chosen.includes(l.name)).reduce((s, l) => s + l.units * (9 + 200 * 3), 0);
  assert.ok(slots <= TOP_INPUTS_SLOTS, `${slots} sample indices kept`);
  // A single layer over the budget on its own is still covered, and a smaller k or per-class count fits more.
  assert.deepEqual(defaultTopInputsLayers([conv('a', 64), conv('huge', 100_000)], 200), ['huge']);
  assert.equal(defaultTopInputsLayers(tail, 200, 9, 1).length, 4);
});
