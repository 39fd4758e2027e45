// tfjs-layers draws dropout masks from seedrandom seeded with Math.random(); swapping Math.random for
// our Rng during a (synchronous) step makes dropout part of the replayable, resumable stream.
import type { Rng } from '../random.js';

export function withSeededMathRandom<T>(rng: Rng, f: () => T): T {
  const original = Math.random;
  Math.random = () => rng.next();
  try {
    return f();
  } finally {
    Math.random = original;
  }
}
