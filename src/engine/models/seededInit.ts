// Deterministic weight initialisers: every layer draws its own seed from one run seed, in build order,
// so the same seed always gives the same initial network.
import * as tfl from '@tensorflow/tfjs-layers';

type Initializer = ReturnType<typeof tfl.initializers.heNormal>;

export class SeededInit {
  private next: number;

  constructor(seed: number) {
    // Spread run seeds apart so that neighbouring seeds share no layer seeds.
    this.next = (Math.abs(Math.floor(seed)) % 100000) * 1000 + 1;
  }

  private take(): number {
    return this.next++;
  }

  /** He (Kaiming) normal, for convolutions followed by ReLU. */
  he(): Initializer {
    return tfl.initializers.heNormal({ seed: this.take() });
  }

  /** Glorot uniform, for dense layers. */
  glorot(): Initializer {
    return tfl.initializers.glorotUniform({ seed: this.take() });
  }
}
