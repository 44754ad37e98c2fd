// Splits a model at one unit layer so an intervention on that layer's activation can be tried many times per
// batch without re-running the layers before it: the prefix computes, once, the activation and every other
// tensor the rest of the network reads (a residual block's shortcut input, say); the suffix runs only the layers
// downstream of the unit layer, from those tensors, layer by layer in the model's topological order.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface LayerSplit {
  /** One prefix pass: [the unit layer's activation, ...the other tensors the suffix reads]. Caller disposes. */
  prefix(x: tf.Tensor4D): tf.Tensor[];
  /** Logits from an (edited) activation and the prefix's other tensors. Call inside tf.tidy. */
  suffix(activation: tf.Tensor, others: tf.Tensor[]): tf.Tensor2D;
  dispose(): void;
}

type Symbolic = tfl.SymbolicTensor;

/** The symbolic activation of a unit layer: a UnitReLU's first output (its second, the means, feeds only the probe). */
function activationOf(layer: tfl.layers.Layer): Symbolic {
  const out = layer.output as Symbolic | Symbolic[];
  return Array.isArray(out) ? out[0] : out;
}

function lastActivationIsSoftmax(model: tfl.LayersModel): boolean {
  const last = model.outputs[0].sourceLayer;
  const a = last.getConfig()['activation'];
  return a === 'softmax' || last.getClassName() === 'Softmax';
}

export function splitAt(model: tfl.LayersModel, layerName: string): LayerSplit {
  const unit = model.getLayer(layerName);
  const activation = activationOf(unit);
  // Layers downstream of the unit layer, in the model's (topological) order.
  const downstream = new Set<tfl.layers.Layer>();
  const queue: tfl.layers.Layer[] = [unit];
  while (queue.length) {
    const l = queue.pop()!;
    for (const node of l.outboundNodes) {
      const next = node.outboundLayer;
      if (!downstream.has(next) && model.layers.includes(next)) {
        downstream.add(next);
        queue.push(next);
      }
    }
  }
  const order = model.layers.filter((l) => downstream.has(l));
  for (const l of order) {
    if (l.inboundNodes.length !== 1) throw new Error(`layer ${l.name} is shared (called more than once); ablation cannot follow it`);
  }
  // What the downstream layers read from outside the downstream part: computed once, by the prefix.
  const others: Symbolic[] = [];
  const seen = new Set<number>([activation.id]);
  for (const l of order) {
    for (const t of l.inboundNodes[0].inputTensors) {
      if (seen.has(t.id) || downstream.has(t.sourceLayer)) continue;
      seen.add(t.id);
      others.push(t);
    }
  }
  const output = model.outputs[0];
  if (!downstream.has(output.sourceLayer)) throw new Error(`the model's output does not depend on layer ${layerName}`);
  const prefixModel = tfl.model({ inputs: model.inputs, outputs: [activation, ...others], name: `${model.name}_to_${layerName}` });
  const softmax = lastActivationIsSoftmax(model);

  return {
    prefix(x) {
      const outs = prefixModel.predict(x) as tf.Tensor | tf.Tensor[];
      return Array.isArray(outs) ? outs : [outs];
    },
    suffix(act, rest) {
      const values = new Map<number, tf.Tensor>();
      values.set(activation.id, act);
      others.forEach((t, i) => values.set(t.id, rest[i]));
      for (const l of order) {
        const node = l.inboundNodes[0];
        const inputs = node.inputTensors.map((t) => {
          const v = values.get(t.id);
          if (!v) throw new Error(`layer ${l.name}: input ${t.name} was not computed`);
          return v;
        });
        const out = l.apply(inputs.length === 1 ? inputs[0] : inputs, { ...(node.callArgs ?? {}), training: false }) as tf.Tensor | tf.Tensor[];
        const outs = Array.isArray(out) ? out : [out];
        node.outputTensors.forEach((t, i) => values.set(t.id, outs[i]));
      }
      const logits = values.get(output.id) as tf.Tensor2D;
      return softmax ? tf.log(tf.maximum(logits, 1e-7)) : logits;
    },
    dispose() {
      // The prefix model shares every weight with `model`; nothing of its own to free.
    },
  };
}
