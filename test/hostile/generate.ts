// Generated hostile documents, around the cases of corpus.jsonl: tfjs manifests (shard names, shapes
// against shard sizes, special files), JSON inputs and Keras weights (lying shapes, fake arrays, deep
// nesting, values outside float32). Deterministic for a seed, so that a failure reproduces.
import type { FileSpec, HostileCase } from "./harness.js";

/** mulberry32: a small seeded PRNG. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const int = (rng: Rng, max: number) => Math.floor(rng() * (max + 1));

const NAME_PIECES = [
  "w.bin",
  "x.bin",
  "..",
  "%2e%2e",
  "%2E%2e",
  ".",
  "",
  "%2F",
  "/",
  "\\",
  "sub",
  "%00",
  "%zz",
  "%",
  "C:",
  "file:",
  "http://127.0.0.1:9",
  "~",
  "w.bin%20",
  "%77.bin",
  "\u0000",
  "\u202e",
  "é",
  "%C3%A9",
  "a".repeat(300),
  "fifo",
  "zero",
  "dir",
];

/** A shard name from hostile pieces. */
export function shardName(rng: Rng): string {
  const parts = Array.from({ length: 1 + int(rng, 3) }, () => pick(rng, NAME_PIECES));
  return rng() < 0.3 ? parts.join("") : parts.join("/");
}

const NUMBERS = [0, 0.1, -1, 1e38, 3.4028235e38, 3.5e38, -3.5e38, 1e39, 1e300, -1e300, 5e-324, 2 ** 31, -(2 ** 31) - 1, 2 ** 53];
const DIMS = [0, 1, 2, 3, 5, -1, 1.5, 2 ** 31, 1e9, 2 ** 53, 1e308];

/** A JSON value that looks more or less like a tensor. */
export function jsonValue(rng: Rng, depth = 0): unknown {
  const r = rng();
  if (depth > 6 || r < 0.3) {
    return pick(rng, [...NUMBERS, ...NUMBERS, null, true, false, "NaN", "Infinity", "1e39", {}, [], { length: 1e9 }]);
  }
  if (r < 0.75) return Array.from({ length: int(rng, 4) }, () => jsonValue(rng, depth + 1));
  if (r < 0.9) return { shape: Array.from({ length: int(rng, 4) }, () => pick(rng, DIMS)), data: jsonValue(rng, depth + 1) };
  return Object.fromEntries(
    Array.from({ length: int(rng, 3) }, (_, i) => [
      pick(rng, ["dense", "x", "__proto__", "constructor", `k${i}`]),
      jsonValue(rng, depth + 1),
    ]),
  );
}

/** Deep nesting as text (JSON.stringify would itself run out of stack). */
function deep(rng: Rng): FileSpec {
  const nest = pick(rng, [33, 65, 1000, 50_000, 200_000]);
  return rng() < 0.5 ? { nest, open: "[", close: "]", leaf: "1" } : { nest, open: '{"dense":', close: "}", leaf: "[]" };
}

function shardBytes(rng: Rng): FileSpec {
  const n = pick(rng, [0, 1, 7, 8, 9, 100]);
  return { f32: Array.from({ length: n }, () => pick(rng, [0.1, 0.1, 0.1, "NaN", "Infinity", "-Infinity", 3.4e38] as const)) };
}

function specialFile(rng: Rng): FileSpec {
  return pick(rng, [
    { fifo: true },
    { symlink: "/dev/zero" },
    { symlink: "../x.bin" },
    { symlink: "$DIR/x.bin" },
    { symlink: "missing" },
    { symlink: "." },
  ] as const);
}

const RUN = ["run", "tiny.rnn", "--input", "x=x.json"];

/** One generated case of family `n % 4`: a manifest, an input, Keras weights, or a special file named directly. */
export function generatedCase(seed: number, n: number): HostileCase {
  const rng = random(seed * 1_000_003 + n);
  const id = `generated-${seed}-${n}`;
  switch (n % 4) {
    case 0: {
      const names = Array.from({ length: 1 + int(rng, 2) }, () => shardName(rng));
      const weights =
        rng() < 0.8
          ? Array.from({ length: 1 + int(rng, 2) }, (_, i) => ({
              name: pick(rng, ["dense/kernel", "dense/bias", "", "x", `dense/${i}`]),
              shape: Array.from({ length: int(rng, 3) }, () => pick(rng, DIMS)),
              dtype: pick(rng, ["float32", "float32", "int32", "float16", 7]),
            }))
          : jsonValue(rng);
      const files: Record<string, FileSpec> = {
        "m/model.json": { json: { weightsManifest: rng() < 0.9 ? [{ paths: names, weights }] : jsonValue(rng) } },
        "x.bin": shardBytes(rng),
      };
      for (const name of names) {
        if (name === "" || name.startsWith("/") || name.includes("\u0000") || name.includes("..") || name.length > 200) continue;
        files[`m/${name}`] = rng() < 0.6 ? shardBytes(rng) : specialFile(rng);
      }
      return { id, what: "a generated manifest", files: sanitize(files), argv: [...RUN, "--weights", "m/model.json"], exit: 1 };
    }
    case 1:
      return {
        id,
        what: "a generated input",
        files: { "in.json": rng() < 0.15 ? deep(rng) : { json: jsonValue(rng) } },
        argv: ["run", "tiny.rnn", "--input", "x=in.json"],
        exit: 1,
      };
    case 2:
      return {
        id,
        what: "generated Keras weights",
        files: { "w.json": rng() < 0.15 ? deep(rng) : { json: { dense: jsonValue(rng) } } },
        argv: [...RUN, "--weights", "w.json"],
        exit: 1,
      };
    default: {
      const file = specialFile(rng);
      const argv = pick(rng, [
        [...RUN, "--weights", "f"],
        ["run", "tiny.rnn", "--input", "x=f"],
        ["check", "f"],
        ["fmt", "--write", "f"],
        ["compile", "f", "-o", "out"],
      ]);
      return { id, what: "a special file named on the command line", files: { f: file }, argv, exit: 2 };
    }
  }
}

/**
 * Only files that can be made inside the case's folder (names that would escape it are left to the
 * manifest), and none inside another (`m/a` and `m/a/b` cannot both be files).
 */
function sanitize(files: Record<string, FileSpec>): Record<string, FileSpec> {
  const paths = Object.keys(files);
  const clash = (path: string) => paths.some((other) => other !== path && (other.startsWith(`${path}/`) || path.startsWith(`${other}/`)));
  return Object.fromEntries(
    Object.entries(files).filter(
      ([path]) => !path.split("/").some((s) => s === "" || s === "." || s === "..") && !/[\\:%~]/.test(path) && !clash(path),
    ),
  );
}
