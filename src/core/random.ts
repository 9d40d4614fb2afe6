/**
 * Seeded randomness. Every random choice in an experiment (class split, sampling of shots,
 * weight initialisation, batch order) draws from its own stream derived from the run's seed,
 * so that changing one (say, the number of epochs) does not reshuffle the others.
 */

/** Mulberry32: a small, fast 32-bit generator; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string, used to derive a named sub-seed. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The seed of the named stream (`'split'`, `'init'`, `'batches'`, …) of a run seeded with `seed`. */
export function deriveSeed(seed: number, stream: string): number {
  return (fnv1a(stream) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
}

/** A generator for the named stream of a run. */
export function streamRng(seed: number, stream: string): () => number {
  return mulberry32(deriveSeed(seed, stream));
}

/** Fisher–Yates shuffle in place with the given generator; returns the array. */
export function shuffleInPlace<T>(items: T[], rng: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/**
 * A named stream that counts its draws, so that a checkpoint can record where the stream is
 * and a restored run can replay it to exactly that point (`skip`): mulberry32's state is a
 * closure, and replaying n draws is cheaper than any bookkeeping around it.
 */
export class CountedRng {
  private readonly rng: () => number;
  private drawn = 0;

  constructor(seed: number, stream: string) {
    this.rng = streamRng(seed, stream);
  }

  /** The next float in [0, 1). An arrow, so that it can be passed as a plain generator. */
  readonly next = (): number => {
    this.drawn += 1;
    return this.rng();
  };

  /** Draws taken so far. */
  get draws(): number {
    return this.drawn;
  }

  /** Advances a fresh stream to `draws` draws (it must not have drawn more). */
  skipTo(draws: number): void {
    if (draws < this.drawn) throw new Error(`cannot rewind a random stream from ${this.drawn} to ${draws} draws`);
    while (this.drawn < draws) this.next();
  }
}
