// The orthogonal initializer's numbers. Keras's recipe (a normal matrix's QR) costs O(m·n²) for a
// weight of m × n (m ≥ n): an lstm(1024)'s recurrent kernel [1024, 4096] is ~8·10⁹ multiply-adds,
// tens of seconds in JavaScript, and lstm(2000)'s eight times that. So:
// - up to HOUSEHOLDER_LIMIT (m·n² ≤ 2²⁷: a square kernel up to 512, [u, 4u] up to u = 322, about a
//   second), Keras's recipe: Householder QR of a normal matrix, signs fixed — the numbers rnnc always gave;
// - above it, a product of random Givens rotations (rounds of random pairings, a parallel Kac walk)
//   applied to the first n columns of the identity: exactly orthogonal too, O(rounds·m·n).
// Only +, −, ×, ÷ and sqrt: the same bits on every platform (see random.ts). docs/decisions.md says
// what a user sees.
import type { Random } from "./random.js";

/** The largest m·n² (m ≥ n) drawn by Householder QR, as Keras does; above it, Givens rotations. */
export const HOUSEHOLDER_LIMIT = 2 ** 27;

/**
 * Keras's Orthogonal: flatten to rows = prod(shape[:-1]) × cols = shape[-1], draw a normal matrix
 * of (max, min), take its QR, fix the signs so that r's diagonal is positive (q *= sign(diag(r))),
 * transpose when rows < cols, times gain. The rows (or columns, whichever are fewer) are orthonormal:
 * a recurrent kernel [u, 4u] has orthonormal rows. Keras rejects a 1-D shape; here [n] is taken as
 * [1, n] (a random unit vector times gain), since a bias may name any initializer. Row-major.
 */
export function orthogonal(shape: readonly number[], rng: Random, gain: number): Float64Array {
  const cols = shape[shape.length - 1]!;
  let rows = 1;
  for (const d of shape.slice(0, -1)) rows *= d;
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  // q: m × n with orthonormal columns, column-major (column j at j·m).
  const q = m * n * n <= HOUSEHOLDER_LIMIT ? normalQ(m, n, rng) : givensQ(m, n, rng);
  const out = new Float64Array(m * n);
  if (rows < cols) {
    // out (n × m) = qᵀ: row j is q's column j.
    for (let i = 0; i < out.length; i++) out[i] = gain * q[i]!;
  } else {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = gain * q[j * m + i]!;
  }
  return out;
}

/** Keras's: the Q of a normal m × n matrix's QR with r's diagonal made positive. Column-major. */
function normalQ(m: number, n: number, rng: Random): Float64Array {
  // Drawn row by row (the order rnnc has always drawn them in), stored by columns.
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) a[j * m + i] = rng.normal();
  const { q, diag } = householderQr(a, m, n);
  for (let j = 0; j < n; j++) {
    // sign(0) is 0 in Keras; a zero on r's diagonal has probability zero, and +1 keeps q orthogonal.
    if (diag[j]! >= 0) continue;
    for (let i = j * m; i < (j + 1) * m; i++) q[i] = -q[i]!;
  }
  return q;
}

/**
 * The reduced QR of a column-major m × n matrix (m ≥ n; overwritten) by Householder reflections: q
 * (m × n, column-major, orthonormal columns) and r's diagonal. Every sum runs down a column in row
 * order, so the results are bit for bit those of the textbook row-major loops rnnc used before
 * (test/weights checks it); stored by columns, each loop reads memory in order.
 */
export function householderQr(a: Float64Array, m: number, n: number): { q: Float64Array; diag: Float64Array } {
  const vs: Float64Array[] = [];
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const ck = k * m;
    let norm2 = 0;
    for (let i = k; i < m; i++) norm2 += a[ck + i]! * a[ck + i]!;
    const norm = Math.sqrt(norm2);
    const x0 = a[ck + k]!;
    const alpha = x0 >= 0 ? -norm : norm;
    const v = a.slice(ck + k, ck + m);
    v[0] = x0 - alpha;
    let vnorm2 = 0;
    for (let i = 0; i < v.length; i++) vnorm2 += v[i]! * v[i]!;
    if (vnorm2 === 0) {
      // The column is already zero below the diagonal (and zero on it): no reflection.
      vs.push(v);
      diag[k] = x0;
      continue;
    }
    const len = m - k;
    for (let j = k; j < n; j++) {
      const c = j * m + k;
      let dot = 0;
      for (let i = 0; i < len; i++) dot += v[i]! * a[c + i]!;
      const f = (2 * dot) / vnorm2;
      for (let i = 0; i < len; i++) a[c + i] = a[c + i]! - f * v[i]!;
    }
    const scale = Math.sqrt(vnorm2);
    for (let i = 0; i < v.length; i++) v[i] = v[i]! / scale;
    vs.push(v);
    diag[k] = a[ck + k]!;
  }
  // q = H₀ H₁ … Hₙ₋₁ · I[:, :n], applied right to left. When Hₖ is applied, columns j < k are still
  // eⱼ, zero in rows ≥ k: their dot is exactly 0 and they are skipped.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    const len = m - k;
    for (let j = k; j < n; j++) {
      const c = j * m + k;
      let dot = 0;
      for (let i = 0; i < len; i++) dot += v[i]! * q[c + i]!;
      if (dot === 0) continue;
      for (let i = 0; i < len; i++) q[c + i] = q[c + i]! - 2 * dot * v[i]!;
    }
  }
  return { q, diag };
}

/**
 * The first n columns of a random m × m rotation built from Givens rotations, column-major. Each
 * round pairs the rows at random (a Fisher–Yates shuffle) and turns every pair by a uniform random
 * angle (cos, sin from a normalized normal pair: no trigonometry). A round shrinks a column's excess
 * fourth moment over a uniform unit vector's by 3/4, so 3·⌈log₂ m⌉ + 8 rounds spread every column
 * over every row like a Haar draw (test/weights checks the moment). The product is exactly orthogonal
 * (each rotation to an ulp), not exactly Haar-distributed as Keras's QR is.
 */
function givensQ(m: number, n: number, rng: Random): Float64Array {
  // Row-major while rotating (a rotation mixes two rows), column-major for the caller.
  const x = new Float64Array(m * n);
  for (let j = 0; j < n; j++) x[j * n + j] = 1;
  const order = Int32Array.from({ length: m }, (_, i) => i);
  let bits = 0; // ⌈log₂ m⌉ by integers (Math.log2 is not exactly specified)
  while (2 ** bits < m) bits++;
  const rounds = 3 * bits + 8;
  for (let round = 0; round < rounds; round++) {
    for (let i = m - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    for (let p = 0; p + 1 < m; p += 2) {
      let c = rng.normal();
      let s = rng.normal();
      const r = Math.sqrt(c * c + s * s);
      if (r === 0) continue;
      c /= r;
      s /= r;
      const a = order[p]! * n;
      const b = order[p + 1]! * n;
      for (let k = 0; k < n; k++) {
        const u = x[a + k]!;
        const w = x[b + k]!;
        x[a + k] = c * u - s * w;
        x[b + k] = s * u + c * w;
      }
    }
  }
  const q = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[j * m + i] = x[i * n + j]!;
  return q;
}
