// What every data set must be before a model is built on it, whatever its format: images of at least one pixel,
// at least two classes (a unit's selectivity compares its preferred class with the others), every label one of
// the classes, and samples on both sides of the split (the held-out side is what the analysis measures).
// Checked when the data is loaded, so a bad set fails at once, naming it, instead of deep inside training.
import { EngineError } from '../errors';
import type { DecodedDataset } from './splits';

/** A decoded set (before trainLimit/testLimit): shape, classes and labels. */
export function checkDecodedDataset(d: DecodedDataset): void {
  const [h, w, c] = d.shape;
  if (!(h >= 1 && w >= 1 && c >= 1)) {
    throw new EngineError('DATA_CORRUPT', `${d.name} holds images of ${h}x${w} pixels with ${c} channel(s); images need at least 1x1 pixels and one channel.`, {
      field: 'data.path',
    });
  }
  const classes = d.classNames.length;
  if (classes < 2) {
    throw new EngineError('DATA_CORRUPT', `${d.name} has ${classes} class${classes === 1 ? '' : 'es'}; class selectivity compares a unit's preferred class with the others, so it needs at least 2.`, {
      field: 'data.path',
    });
  }
  for (const [side, split] of [['training', d.train], ['held-out', d.test]] as const) {
    for (let i = 0; i < split.n; i++) {
      const label = split.labels[i];
      if (!(Number.isInteger(label) && label >= 0 && label < classes)) {
        throw new EngineError('DATA_CORRUPT', `${d.name}: ${side} sample ${i} has label ${label}, but the data set has ${classes} classes (0-${classes - 1}).`, {
          field: 'data.path',
        });
      }
    }
  }
  if (d.train.n === 0) throw new EngineError('DATA_CORRUPT', `${d.name} has no training samples.`, { field: 'data.path' });
  if (d.test.n === 0) {
    throw new EngineError('DATA_CORRUPT', `${d.name} has no held-out samples; the selectivity analysis measures units on them.`, { field: 'data.path' });
  }
}
