// Model files that are broken or hostile: each gives one DataError naming the file (and the layer,
// where there is one), never a stack trace, a hang, or an allocation the file's size does not justify.
// The broken files are made here from the good fixtures, by cutting or patching their bytes.
import { zipSync } from "fflate";
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check, kerasStructure, loadModel, readWeights, weightsFromBytes } from "../../src/node.js";
import { DataError } from "../../src/types/tensor-data.js";

const KERAS = join(import.meta.dirname, "..", "fixtures", "model-files", "keras");
const TFJS = join(import.meta.dirname, "..", "fixtures", "model-files", "tfjs");
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(KERAS, name)));

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    const message = (e as Error).message;
    expect(message).not.toMatch(/\n\s+at /); // no stack in the message
    return message;
  }
  throw new Error("expected a DataError");
}

/** The offset of `needle` in `bytes` (it must occur exactly once). */
function find(bytes: Uint8Array, needle: Uint8Array | string): number {
  const n = typeof needle === "string" ? new TextEncoder().encode(needle) : needle;
  const hits: number[] = [];
  for (let i = 0; i + n.length <= bytes.length; i++) if (n.every((b, k) => bytes[i + k] === b)) hits.push(i);
  expect(hits.length, `occurrences of the patched bytes`).toBe(1);
  return hits[0]!;
}

/** Every offset of `needle` in `bytes`. */
function findAll(bytes: Uint8Array, needle: Uint8Array): number[] {
  const hits: number[] = [];
  for (let i = 0; i + needle.length <= bytes.length; i++) if (needle.every((b, k) => bytes[i + k] === b)) hits.push(i);
  return hits;
}

/** Little-endian 64-bit dims, as an HDF5 dataspace message stores them. */
function dims(...values: number[]): Uint8Array {
  const out = new Uint8Array(8 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigUint64(8 * i, BigInt(v), true));
  return out;
}

describe("broken .keras archives", () => {
  it("a truncated zip", () => {
    const bytes = fixture("lstm_seq_state.keras");
    expect(errorOf(() => weightsFromBytes(bytes.subarray(0, bytes.length >> 1), { source: "cut.keras" }))).toMatch(
      /^cut\.keras: not a readable \.keras archive \(truncated or corrupt zip/,
    );
  });

  it("a zip bomb: an entry declaring more than deflate can expand to is refused before it is extracted", () => {
    const zip = zipSync({ "config.json": new TextEncoder().encode("{}"), "model.weights.h5": new Uint8Array(64) }, { level: 9 });
    // Patch the central directory's uncompressed size of model.weights.h5 to 3 GB.
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    let at = 0;
    while ((at = zip.indexOf(0x50, at)) >= 0) {
      if (view.getUint32(at, true) === 0x02014b50) {
        const nameLength = view.getUint16(at + 28, true);
        const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
        if (name === "model.weights.h5") view.setUint32(at + 24, 3_000_000_000, true);
      }
      at++;
    }
    expect(errorOf(() => weightsFromBytes(zip, { source: "bomb.keras" }))).toMatch(
      /^bomb\.keras: entry "model\.weights\.h5" declares 3000000000 bytes, more than rnnc extracts .*refused before extracting it\.$/,
    );
  });

  it("an archive without weights, or with npz weights", () => {
    const noWeights = zipSync({ "config.json": new TextEncoder().encode("{}") });
    expect(errorOf(() => weightsFromBytes(noWeights, { source: "a.keras" }))).toMatch(/^a\.keras: the archive has no model\.weights\.h5/);
    const npz = zipSync({ "config.json": new TextEncoder().encode("{}"), "model.weights.npz": new Uint8Array(4) });
    expect(errorOf(() => weightsFromBytes(npz, { source: "b.keras" }))).toMatch(/^b\.keras: its weights are in model\.weights\.npz/);
  });
});

describe("broken HDF5", () => {
  it("a truncated .weights.h5", () => {
    const bytes = fixture("lstm_seq_state.weights.h5");
    const message = errorOf(() => weightsFromBytes(bytes.subarray(0, 3000), { source: "cut.weights.h5" }));
    expect(message).toMatch(/^cut\.weights\.h5: /);
  });

  it("a dataset whose header lies about its size (declared larger than the whole file)", () => {
    const bytes = fixture("embedding_dense.weights.h5").slice();
    // The dataspace message stores the dims and the max dims: both say [10,3].
    const at = findAll(bytes, dims(10, 3));
    expect(at.length).toBe(2);
    for (const offset of at) bytes.set(dims(1 << 30, 3), offset);
    expect(errorOf(() => weightsFromBytes(bytes, { source: "lies.weights.h5" }))).toMatch(
      /^lies\.weights\.h5: weight 0 of layers\/embedding \(HDF5 dataset \/layers\/embedding\/vars\/0\): declares \[1073741824,3\] \(12884901888 bytes\) in a file of \d+ bytes/,
    );
  });

  it("a legacy .h5 whose weight_names lists a dataset that is not there", () => {
    const bytes = fixture("lstm_seq_state.h5").slice();
    const at = find(bytes, "rec/lstm_cell/bias");
    bytes[at + "rec/lstm_cell/bias".length - 1] = "_".charCodeAt(0);
    expect(errorOf(() => weightsFromBytes(bytes, { source: "m.h5" }))).toBe(
      'm.h5: layer "rec": weight 2 "rec/lstm_cell/bia_" is listed in weight_names but missing from the file.',
    );
  });

  it("an HDF5 file that is not a Keras one", () => {
    const bytes = fixture("lstm_seq_state.weights.h5").slice();
    bytes.set(new TextEncoder().encode("lazers"), find(bytes, "layers"));
    expect(errorOf(() => weightsFromBytes(bytes, { source: "x.h5" }))).toMatch(/^x\.h5: an HDF5 file, but not a Keras one/);
  });

  it("bytes of no known format", () => {
    expect(errorOf(() => weightsFromBytes(new Uint8Array([0, 1, 2, 3]), { source: "w.bin" }))).toBe(
      "w.bin: not a weights file rnnc reads (.keras, .h5, .weights.h5, model.json or Keras JSON): it starts with the bytes 00 01 02 03.",
    );
  });
});

describe("model files that do not fit the model", () => {
  const fx = JSON.parse(readFileSync(join(KERAS, "lstm_seq_state.json"), "utf8")) as { source: string };

  it("a weight of the wrong shape names the file, the layer, and both shapes", () => {
    const checked = check(fx.source.replace("lstm(4", "lstm(5"));
    for (const ext of [".keras", ".h5", ".weights.h5"]) {
      const path = join(KERAS, "lstm_seq_state" + ext);
      const structure = kerasStructure(checked);
      const message = errorOf(() => loadModel(checked, { weights: readWeights(path, structure ? { structure } : {}) }));
      expect(message).toContain(path);
      expect(message).toMatch(/rec/);
      expect(message).toMatch(/\[3,20\]/);
      expect(message).toMatch(/\[3,16\]/);
    }
  });

  it("a layer the file lacks is named (by name for .keras/.h5, by class and position for .weights.h5)", () => {
    const checked = check(fx.source.replace("return y, h, c", 'return y |> dense(2, name="extra"), h, c'));
    expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    for (const ext of [".keras", ".h5", ".weights.h5"]) {
      const path = join(KERAS, "lstm_seq_state" + ext);
      const structure = kerasStructure(checked);
      const message = errorOf(() => loadModel(checked, { weights: readWeights(path, structure ? { structure } : {}) }));
      expect(message).toContain(path);
      expect(message).toMatch(/"?extra"?/);
    }
  });

  it("a .weights.h5 with more layers of a class than the model has", () => {
    const checked = check('keras 3\n\nmodel M(x: [2, 5, 3]) {\n  return x |> dense(2, name="d")\n}\n');
    const path = join(KERAS, "stacked_shared.weights.h5");
    const message = errorOf(() => readWeights(path, { structure: kerasStructure(checked)! }));
    expect(message).toMatch(/stacked_shared\.weights\.h5: weights for layers\/gru \("g2"\), layers\/lstm \("l1"\) match no layer of "M"/);
  });
});

describe("a model.json whose manifest points outside its folder", () => {
  it("is refused, naming the file and the shard", () => {
    const dir = mkdtempSync(join(tmpdir(), "rnnc-mf-"));
    mkdirSync(join(dir, "model"));
    const json = JSON.parse(readFileSync(join(TFJS, "simple_rnn_stack", "model.json"), "utf8")) as {
      weightsManifest: { paths: string[] }[];
    };
    writeFileSync(join(dir, "weights.bin"), readFileSync(join(TFJS, "simple_rnn_stack", "weights.bin")));
    json.weightsManifest[0]!.paths = ["../weights.bin"];
    writeFileSync(join(dir, "model", "model.json"), JSON.stringify(json));
    expect(errorOf(() => readWeights(join(dir, "model", "model.json")))).toMatch(
      /model\.json: weights shard "\.\.\/weights\.bin": goes up out of the model's folder/,
    );
    json.weightsManifest[0]!.paths = ["link.bin"];
    symlinkSync(join(dir, "weights.bin"), join(dir, "model", "link.bin"));
    writeFileSync(join(dir, "model", "model.json"), JSON.stringify(json));
    expect(errorOf(() => readWeights(join(dir, "model", "model.json")))).toMatch(/outside the model's folder/);
  });
});
