// Deterministic random numbers for weight initializers.
//
// Keras draws its seeded numbers from TensorFlow's RNG (Philox / ThreeFry), which cannot be reproduced
// here; rnnc does not try. What rnnc promises instead: the same seed gives the same numbers on every
// run, every platform and every JavaScript engine. That is why everything below uses only 32-bit
// integer operations (Math.imul, shifts) and IEEE-754 +, −, ×, ÷ and sqrt, which are exactly
// specified everywhere. Math.log, Math.cos and friends are not (an engine may be off by an ulp), so
// normals come from Marsaglia's polar method with a logarithm computed here from arithmetic alone.
//
// Generator: xoshiro128** (Blackman & Vigna), its 128-bit state filled from the 32-bit seed by
// splitmix32. Seeds: FNV-1a over UTF-8 (`seedFrom`), so a layer's path names its numbers.

/** A stable 32-bit hash of a text (FNV-1a over its UTF-8 bytes): a layer path → a seed. */
export function seedFrom(text: string): number {
  return fnv1a(0x811c9dc5, text);
}

/** A seed derived from another and a label (`kernel`, `recurrent_kernel`, …): independent streams per weight. */
export function deriveSeed(seed: number, label: string): number {
  // Hash the seed's 4 bytes, then the label, so that (seed, label) pairs do not collide trivially.
  let h = 0x811c9dc5;
  for (let i = 0; i < 4; i++) {
    h ^= (seed >>> (8 * i)) & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return fnv1a(h >>> 0, "/" + label);
}

const utf8 = new TextEncoder();

function fnv1a(start: number, text: string): number {
  let h = start;
  for (const byte of utf8.encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32: spreads a 32-bit seed over the generator's state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The second normal of the last polar pair, not yet handed out. */
  private spare: number | undefined;

  constructor(seed: number) {
    const st = { s: seed >>> 0 };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the one state xoshiro cannot leave
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1), with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** Uniform in [-1, 1), with 32 random bits (for the polar method). */
  private signedUnit(): number {
    return (this.nextUint32() / TWO_POW_32) * 2 - 1;
  }

  /** A standard normal: Marsaglia's polar method (no trigonometry; see the note at the top). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    for (;;) {
      const u = this.signedUnit();
      const v = this.signedUnit();
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const f = Math.sqrt((-2 * ln(s)) / s);
      this.spare = v * f;
      return u * f;
    }
  }
}

const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;

/**
 * The natural logarithm of a positive finite x from +, −, ×, ÷ only (bit-identical on every engine):
 * x = m·2^e with m in [√½, √2), then ln m = 2·atanh((m−1)/(m+1)) by its series (|t| ≤ 0.172, so 14
 * terms reach well below an ulp).
 */
export function ln(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`ln(${x})`);
  let m = x;
  let e = 0;
  while (m >= 2 ** 32) {
    m /= 2 ** 32;
    e += 32;
  }
  while (m < 2 ** -32) {
    m *= 2 ** 32;
    e -= 32;
  }
  while (m >= SQRT2) {
    m /= 2;
    e++;
  }
  while (m < SQRT2 / 2) {
    m *= 2;
    e--;
  }
  const t = (m - 1) / (m + 1);
  const t2 = t * t;
  let sum = 0;
  for (let k = 27; k >= 1; k -= 2) sum = sum * t2 + 1 / k;
  return 2 * t * sum + e * LN2;
}
