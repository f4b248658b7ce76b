// The ONNX Runtime backend: loadModel({ backend: "ort" | "auto", ort }) with onnxruntime-node gives
// the CPU backend's numbers (1e-5: ORT's sigmoid/tanh are approximations), asynchronously; dispose
// releases the session; a missing or wrong `ort` is a clear error; auto picks cpu for tiny inputs
// and ort for large ones, and says why. Also a smoke test of onnxruntime-web's wasm build in Node.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import ort from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { describe, expect, it } from "vitest";
import {
  check,
  chooseEngine,
  DataError,
  ENGINE_COSTS,
  loadModel,
  type CheckedFile,
  type OrtModule,
  type OrtSession,
  type TensorData,
} from "../../src/index.js";
import { Rng, seedOf } from "../parity/generate.js";

// Both ONNX Runtime packages satisfy the structural type loadModel takes (a type check).
const nodeModule: OrtModule = ort;
const webModule: OrtModule = ortWeb;

const TOLERANCE = 1e-5;

/** Random inputs of a model's declared types: named dims from `sizes`, ids 1…9, masks with their first step kept. */
function randomInputs(checked: CheckedFile, sizes: Record<string, number>, model?: string): Record<string, TensorData> {
  const picked = model === undefined ? checked.models[0]! : checked.models.find((m) => m.name === model)!;
  const rng = new Rng(seedOf(`ort ${picked.name} ${JSON.stringify(sizes)}`));
  const inputs: Record<string, TensorData> = {};
  for (const input of picked.inputs) {
    const shape = input.type.dims.map((d) => (typeof d === "number" ? d : sizes[d]!));
    const n = shape.reduce((a, b) => a * b, 1);
    const t = shape[1] ?? 1;
    inputs[input.name] = {
      shape,
      data:
        input.type.dtype === "f32"
          ? Float32Array.from({ length: n }, () => rng.float(-1, 1))
          : input.type.dtype === "i32"
            ? Int32Array.from({ length: n }, () => rng.int(1, 9))
            : Uint8Array.from({ length: n }, (_, i) => (i % t === 0 || rng.bool(0.75) ? 1 : 0)),
    };
  }
  return inputs;
}

function maxDiff(a: readonly TensorData[], b: readonly TensorData[]): number {
  expect(b.map((t) => t.shape)).toEqual(a.map((t) => t.shape));
  let worst = 0;
  a.forEach((t, i) => {
    expect(b[i]!.data.constructor).toBe(t.data.constructor);
    t.data.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i]!.data[j]!))));
  });
  return worst;
}

/** loadModel on ORT and on the CPU backend, the same inputs: the largest difference. */
async function ortAgainstCpu(source: string, sizes: Record<string, number>, model?: string): Promise<number> {
  const checked = check(source);
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const inputs = randomInputs(checked, sizes, model);
  const expected = loadModel(checked, { model }).run(inputs);
  const onOrt = await loadModel(checked, { model, backend: "ort", ort });
  const pending = onOrt.run(inputs);
  expect(pending).toBeInstanceOf(Promise);
  const found = await pending;
  expect(onOrt.lastEngine?.engine).toBe("ort");
  await onOrt.dispose();
  return maxDiff(expected, found);
}

describe('loadModel({ backend: "ort", ort }) on onnxruntime-node', () => {
  it("dense layers on a named batch", async () => {
    const source = `model M(x: [B, 6]) {\n  return x |> dense(5, activation=relu) |> dense(3, activation=softmax)\n}`;
    expect(await ortAgainstCpu(source, { B: 3 })).toBeLessThan(TOLERANCE);
  });

  it("int32 ids through an embedding into an lstm, with named B and T", async () => {
    const source = `model M(ids: int[B, T]) {\n  return ids |> embedding(10, 4) |> lstm(5, seq=true)\n}`;
    expect(await ortAgainstCpu(source, { B: 2, T: 6 })).toBeLessThan(TOLERANCE);
    // Other sizes of the same named dims, on the same kind of model.
    expect(await ortAgainstCpu(source, { B: 1, T: 1 })).toBeLessThan(TOLERANCE);
  });

  it("bidirectional gru with states, stacked under a dense head", async () => {
    const source = [
      "model M(x: [B, T, 4]) {",
      "  y, fh, bh = bigru(5, seq=true, state=true)(x)",
      "  z = lstm(3)(y)",
      "  return z |> dense(2), fh, bh",
      "}",
    ].join("\n");
    expect(await ortAgainstCpu(source, { B: 2, T: 7 })).toBeLessThan(TOLERANCE);
  });

  it("the seed walkthrough (examples/seed.rnn), every model", async () => {
    const source = readFileSync(new URL("../../examples/seed.rnn", import.meta.url), "utf8");
    for (const model of check(source).models) expect(await ortAgainstCpu(source, {}, model.name), model.name).toBeLessThan(TOLERANCE);
  });

  it("bool masks: ORT's numbers when the exporter handles masks, else the exporter's reason", async () => {
    const source = `model M(x: [B, T, 3], m: bool[B, T]) {\n  return lstm(4, seq=true)(x, mask=m)\n}`;
    const checked = check(source);
    expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    try {
      expect(await ortAgainstCpu(source, { B: 3, T: 5 })).toBeLessThan(TOLERANCE);
    } catch (error) {
      // Until masked export lands (src/onnx/recurrent.ts), "ort" refuses with the exporter's reason.
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message).toMatch(/layer "?lstm"?.*mask/);
    }
  });

  it("checks and converts inputs as the CPU backend does", async () => {
    const checked = check(`model M(x: [B, T, 3]) {\n  return gru(2)(x)\n}`);
    const model = await loadModel(checked, { backend: "ort", ort });
    // Nested arrays are converted, as loadModel's cpu path does.
    const nested = [[[0.1, 0.2, 0.3]], [[0.4, 0.5, 0.6]]];
    expect(maxDiff(loadModel(checked).run({ x: nested }), await model.run({ x: nested }))).toBeLessThan(TOLERANCE);
    await expect(model.run({})).rejects.toThrow(new DataError("missing input x (f32[B,T,3])"));
    await expect(model.run({ x: [[[1, 2]]] })).rejects.toThrow(/input x: expected f32\[B,T,3\], got \[1,1,2\] \(dim 2 must be 3\)/);
    await expect(model.run({ x: nested, y: nested })).rejects.toThrow(/unknown input y/);
    await model.dispose();
  });

  it("step carries a stateful model's states (on ORT once stateful export lands; on the CPU under auto until then)", async () => {
    const source = `model M(x: [2, T, 3]) {\n  return gru(4, stateful=true)(x)\n}`;
    const checked = check(source);
    const chunks = [randomInputs(checked, { T: 3 }), randomInputs(checked, { T: 2 })];
    const cpu = loadModel(checked);
    const expected = chunks.map((c) => cpu.step(c));
    const auto = await loadModel(checked, { ort });
    const found = [await auto.step(chunks[0]!), await auto.step(chunks[1]!)];
    expected.forEach((e, i) => expect(maxDiff(e, found[i]!)).toBeLessThan(TOLERANCE));
    // run starts from zeros and leaves the carried states alone.
    expect(maxDiff(loadModel(checked).run(chunks[1]!), await auto.run(chunks[1]!))).toBeLessThan(TOLERANCE);
    auto.reset();
    expect(maxDiff(loadModel(checked).run(chunks[0]!), await auto.step(chunks[0]!))).toBeLessThan(TOLERANCE);
    await auto.dispose();
    try {
      const onOrt = await loadModel(checked, { backend: "ort", ort });
      expect(maxDiff(expected[0]!, await onOrt.step(chunks[0]!))).toBeLessThan(TOLERANCE);
      expect(maxDiff(expected[1]!, await onOrt.step(chunks[1]!))).toBeLessThan(TOLERANCE);
      await onOrt.dispose();
    } catch (error) {
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message).toMatch(/stateful layers are not exported/);
    }
  });

  it("dispose releases the session, and the model then refuses to run", async () => {
    let released = 0;
    const spying: OrtModule = {
      Tensor: ort.Tensor,
      InferenceSession: {
        create: async (bytes, options) => {
          const session = await ort.InferenceSession.create(bytes, options);
          const wrapped: OrtSession = {
            inputNames: session.inputNames,
            outputNames: session.outputNames,
            run: (feeds) => session.run(feeds as Parameters<typeof session.run>[0]),
            release: async () => {
              released++;
              await session.release();
            },
          };
          return wrapped;
        },
      },
    };
    const model = await loadModel(check(`model M(x: [B, 2]) {\n  return dense(2)(x)\n}`), { backend: "ort", ort: spying });
    expect((await model.run({ x: [[1, 2]] }))[0]!.shape).toEqual([1, 2]);
    await model.dispose();
    expect(released).toBe(1);
    await expect(model.run({ x: [[1, 2]] })).rejects.toThrow(/disposed/);
    await model.dispose();
    expect(released, "a second dispose does nothing").toBe(1);
  });

  it("a model the exporter refuses: an error on ort, the CPU (with the reason) on auto", async () => {
    const checked = check(`model M(x: [1, T, 3]) {\n  return lstm(4, stateful=true)(x)\n}`);
    let refusal: string | undefined;
    try {
      await (await loadModel(checked, { backend: "ort", ort })).dispose();
    } catch (error) {
      refusal = (error as Error).message;
    }
    const auto = await loadModel(checked, { backend: "auto", ort });
    await auto.run(randomInputs(checked, { T: 2 }));
    if (refusal === undefined) expect(auto.lastEngine?.reason).not.toMatch(/cannot run this model/);
    else
      expect(auto.lastEngine).toMatchObject({ engine: "cpu", reason: `auto chose cpu: ONNX Runtime cannot run this model (${refusal})` });
    await auto.dispose();
  });
});

describe("the ort option's errors", () => {
  const checked = check(`model M(x: [B, 2]) {\n  return dense(2)(x)\n}`);

  it("backend ort or auto without ort", () => {
    for (const backend of ["ort", "auto"] as const) {
      expect(() => loadModel(checked, { backend } as never)).toThrow(
        new DataError(
          `backend "${backend}" needs the ort option: your ONNX Runtime module (import * as ort from "onnxruntime-node", or "onnxruntime-web" in a browser)`,
        ),
      );
    }
  });

  it("an ort that is not an ONNX Runtime module", () => {
    for (const wrong of [{}, { Tensor: ort.Tensor }, ort.InferenceSession, "onnxruntime-node"]) {
      expect(() => loadModel(checked, { backend: "ort", ort: wrong as unknown as OrtModule })).toThrow(
        /the ort option is not an ONNX Runtime module \(it has no Tensor and InferenceSession\.create\); pass the module itself/,
      );
    }
  });

  it("ort given to the cpu or tfjs backend", () => {
    expect(() => loadModel(checked, { backend: "cpu", ort } as never)).toThrow(
      /the ort option is for backends "ort" and "auto", not "?cpu"?/,
    );
  });

  it("an unknown backend names the four", () => {
    expect(() => loadModel(checked, { backend: "onnx" } as never)).toThrow(/unknown backend "?onnx"? \(available: cpu, tfjs, ort, auto\)/);
  });
});

describe('backend "auto"', () => {
  const source = `model M(x: [B, T, 16]) {\n  return lstm(64)(x) |> dense(4)\n}`;
  const checked = check(source);

  it("is the default with an ort module; tiny inputs run on the CPU backend, bit for bit", async () => {
    const model = await loadModel(checked, { ort });
    const inputs = randomInputs(checked, { B: 1, T: 2 });
    const found = await model.run(inputs);
    expect(model.lastEngine?.engine).toBe("cpu");
    expect(model.lastEngine?.reason).toMatch(
      /^auto chose cpu: \d[\d.]* kFLOP per call, estimated [\d.]+ µs on cpu against [\d.]+ µs on ort$/,
    );
    const expected = loadModel(checked).run(inputs);
    expect(found.map((t) => Array.from(t.data))).toEqual(expected.map((t) => Array.from(t.data)));
    await model.dispose();
    // Disposed means disposed, whichever engine a call would pick.
    await expect(model.run(inputs)).rejects.toThrow(/disposed/);
  });

  it("large inputs run on ONNX Runtime, with ORT's numbers", async () => {
    const model = await loadModel(checked, { ort });
    const inputs = randomInputs(checked, { B: 64, T: 100 });
    const found = await model.run(inputs);
    expect(model.lastEngine?.engine).toBe("ort");
    expect(model.lastEngine?.reason).toMatch(
      /^auto chose ort: [\d.]+ MFLOP per call, estimated [\d.]+ ms on ort against [\d.]+ ms on cpu$/,
    );
    expect(maxDiff(loadModel(checked).run(inputs), found)).toBeLessThan(TOLERANCE);
    // The choice follows each call's sizes.
    await model.run(randomInputs(checked, { B: 1, T: 1 }));
    expect(model.lastEngine?.engine).toBe("cpu");
    await model.dispose();
  });

  it("the cost model crosses over between the bench's S and M workloads", () => {
    expect(chooseEngine(2.5e3).engine).toBe("cpu");
    expect(chooseEngine(2.4e8).engine).toBe("ort");
    const crossover =
      (ENGINE_COSTS.ort.fixedMs - ENGINE_COSTS.cpu.fixedMs) / (1 / (ENGINE_COSTS.cpu.gflops * 1e6) - 1 / (ENGINE_COSTS.ort.gflops * 1e6));
    expect(chooseEngine(crossover * 0.9).engine).toBe("cpu");
    expect(chooseEngine(crossover * 1.1).engine).toBe("ort");
  });
});

describe("onnxruntime-web's wasm build in Node (smoke test)", () => {
  it("runs an exported model with the CPU backend's numbers", async () => {
    // Its .wasm files from node_modules (never fetched), one thread (no worker threads in tests).
    const dist = dirname(createRequire(import.meta.url).resolve("onnxruntime-web"));
    ortWeb.env.wasm.numThreads = 1;
    ortWeb.env.wasm.wasmPaths = pathToFileURL(`${dist}/`).href;
    const web = check(
      `model M(ids: int[B, T]) {\n  return ids |> embedding(10, 4) |> bigru(3, seq=true) |> dense(2, activation=softmax)\n}`,
    );
    const inputs = randomInputs(web, { B: 2, T: 5 });
    const model = await loadModel(web, { backend: "ort", ort: webModule });
    expect(maxDiff(loadModel(web).run(inputs), await model.run(inputs))).toBeLessThan(TOLERANCE);
    await model.dispose();
    expect(nodeModule).toBe(ort);
  });
});
