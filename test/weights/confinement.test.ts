// Shard names and model folders: what a model.json may name (shard-names.ts), what is read
// (file-access.ts) — and that the ordinary layouts tfjs writes still read.
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DataError, type TensorData } from "../../src/types/tensor-data.js";
import { firstInvalidUtf8, readRegularFile } from "../../src/weights/file-access.js";
import { ShardNameError, shardNameCandidates } from "../../src/weights/shard-names.js";
import { readTfjsModel } from "../../src/weights/read.js";

const WEIGHTS = [
  { name: "dense/kernel", shape: [3, 2], dtype: "float32" },
  { name: "dense/bias", shape: [2], dtype: "float32" },
];
const VALUES = [1, 2, 3, 4, 5, 6, 7, 8];

/** A model folder `m/` in a fresh folder, with `files` (relative to the fresh folder) beside it. */
function folder(paths: string[], files: Record<string, Uint8Array | { symlink: string } | { fifo: true }>): string {
  const dir = mkdtempSync(join(tmpdir(), "rnnc-confined-"));
  mkdirSync(join(dir, "m"));
  writeFileSync(join(dir, "m/model.json"), JSON.stringify({ weightsManifest: [{ paths, weights: WEIGHTS }] }));
  for (const [name, spec] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, ".."), { recursive: true });
    if (spec instanceof Uint8Array) writeFileSync(path, spec);
    else if ("symlink" in spec) symlinkSync(spec.symlink, path);
    else execFileSync("mkfifo", [path]);
  }
  return join(dir, "m/model.json");
}

const shard = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message;
  }
  throw new Error("expected a DataError");
}

const kernel = (path: string) => Array.from((readTfjsModel(path).layers.get("dense") as TensorData[])[0]!.data);

describe("shard names", () => {
  it("accepts relative names, and tries a %-encoded one as written and decoded", () => {
    expect(shardNameCandidates("group1-shard1of1.bin")).toEqual(["group1-shard1of1.bin"]);
    expect(shardNameCandidates("sub/w.bin")).toEqual(["sub/w.bin"]);
    expect(shardNameCandidates("group%201.bin")).toEqual(["group%201.bin", "group 1.bin"]);
    expect(shardNameCandidates("./w.bin")).toEqual(["./w.bin"]);
  });

  it.each([
    ["../w.bin", "goes up out of the model's folder"],
    ["a/../../w.bin", "goes up out of the model's folder"],
    ["%2e%2e/w.bin", 'decoded "../w.bin"'],
    ["%2F..%2Fw.bin", "an absolute path"],
    ["/etc/passwd", "an absolute path"],
    ["C:/w.bin", "a URL or drive path"],
    ["https://example.com/w.bin", "a URL or drive path"],
    ["..\\w.bin", "a backslash"],
    ["w.bin%00", "a control character"],
    ["%E0%A4%A", "do not decode"],
    ["", "an empty shard name"],
  ])("refuses %j: %s", (name, rule) => {
    expect(() => shardNameCandidates(name)).toThrow(ShardNameError);
    expect(() => shardNameCandidates(name)).toThrow(rule);
  });

  it("never accepts a name that, decoded, has a .. segment or starts with /", () => {
    const piece = fc.constantFrom("a", "..", ".", "%2e", "%2E%2e", "/", "%2f", "%2F", "w.bin", "%", "%25", "\\");
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }), (pieces) => {
        const name = pieces.join("");
        let candidates: string[];
        try {
          candidates = shardNameCandidates(name);
        } catch (error) {
          expect(error).toBeInstanceOf(ShardNameError);
          return;
        }
        for (const c of candidates) {
          expect(c.startsWith("/")).toBe(false);
          expect(c.split("/")).not.toContain("..");
        }
      }),
      { seed: 16, numRuns: 2000 },
    );
  });
});

describe("model folders", () => {
  it("reads shards in a subfolder, behind a symlink that stays inside, and %-encoded names", () => {
    expect(kernel(folder(["sub/w.bin"], { "m/sub/w.bin": shard(VALUES) }))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(kernel(folder(["w.bin"], { "m/real.bin": shard(VALUES), "m/w.bin": { symlink: "real.bin" } }))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(kernel(folder(["group%201.bin"], { "m/group 1.bin": shard(VALUES) }))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("refuses a shard that resolves outside the folder, naming where it leads", () => {
    const path = folder(["w.bin"], { "x.bin": shard(VALUES), "m/w.bin": { symlink: "../x.bin" } });
    expect(errorOf(() => readTfjsModel(path))).toMatch(
      /cannot read weights shard "w\.bin": resolves to .*x\.bin, outside the model's folder/,
    );
  });

  it("refuses a name out of the folder before looking at the file system", () => {
    const path = folder(["../x.bin"], { "x.bin": shard(VALUES) });
    expect(errorOf(() => readTfjsModel(path))).toBe(`${path}: weights shard "../x.bin": goes up out of the model's folder ("..")`);
  });

  it("refuses a FIFO or a device without reading (or blocking on) it", () => {
    expect(errorOf(() => readTfjsModel(folder(["w.bin"], { "m/w.bin": { fifo: true } })))).toMatch(
      /"w\.bin": is a FIFO \(named pipe\), not a regular file$/,
    );
    expect(() => readRegularFile("/dev/zero")).toThrow("is a character device, not a regular file");
  });

  it("checks the shard's size against the manifest before reading it", () => {
    const path = folder(["w.bin"], { "m/w.bin": shard([...VALUES, 9]) });
    expect(errorOf(() => readTfjsModel(path))).toMatch(/has 36 bytes, but the manifest's 2 weights take 32/);
  });

  it("refuses a float32 that is not finite, naming the weight and the element", () => {
    const path = folder(["w.bin"], { "m/w.bin": shard([1, 2, Infinity, 4, 5, 6, 7, NaN]) });
    expect(errorOf(() => readTfjsModel(path))).toMatch(
      /weight "dense\/kernel" \[3,2\]: element 2 is Infinity; weights must be finite float32 values\.$/,
    );
  });
});

describe("UTF-8", () => {
  it("finds the first ill-formed sequence where the WHATWG decoder does", () => {
    const decoder = new TextDecoder("utf-8", { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 10 }), (noise, text) => {
        const bytes = new Uint8Array([...new TextEncoder().encode(text), ...noise]);
        const at = firstInvalidUtf8(bytes);
        let valid = true;
        try {
          decoder.decode(bytes);
        } catch {
          valid = false;
        }
        expect(at === -1).toBe(valid);
        if (at >= 0) {
          expect(() => decoder.decode(bytes.subarray(0, at))).not.toThrow();
          expect(() => decoder.decode(bytes.subarray(0, at + 4))).toThrow();
        }
      }),
      { seed: 17, numRuns: 3000 },
    );
  });
});
