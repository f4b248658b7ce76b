// The memory guard: loadModel estimates the weights before drawing them, and each new set of input
// shapes before running, and refuses past the budget naming the layer and the estimate.
import { describe, expect, it } from "vitest";
import { estimateRun, formatBytes, MemoryBudgetError, parseByteSize } from "../../src/lower/memory.js";
import { check, loadModel, parseKerasWeights } from "../../src/index.js";
import { Arena } from "../../src/backends/cpu/wasm/arena.js";
import { lowerModel } from "../../src/lower/lower.js";
import { bindWeights } from "../../src/lower/weights.js";

const GB = 1024 ** 3;

/** Runs `f`, which must throw a MemoryBudgetError; its message. */
function refused(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(MemoryBudgetError);
    return (error as Error).message;
  }
  throw new Error("expected a MemoryBudgetError, but nothing was thrown");
}

describe("weights", () => {
  it("refuses lstm(16000) at load, before its initializer draws 4 GB, naming the layer and the estimate", () => {
    const started = performance.now();
    const message = refused(() => loadModel(check("model L(x: [B, T, 4]) {\n  return lstm(16000)(x)\n}\n"), { maxMemory: 8 * GB }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(message).toMatch(
      /^loading L's weights needs about [\d.]+ GB \(the largest part: recurrent_kernel \[16000,64000\] in layer lstm, 3\.8 GB\)/,
    );
    expect(message).toContain("more than the memory budget of 8.0 GB");
    expect(message).toContain("--max-memory");
  });

  it("counts the weights of called models, under their path", () => {
    const src = 'model Big(x: [B, 8]) {\n  return dense(4000, name="wide")(x)\n}\n\nmodel Top(x: [B, 8]) {\n  return Big(x)\n}\n';
    const message = refused(() => loadModel(check(src), { model: "Top", maxMemory: 100_000 }));
    expect(message).toContain("kernel [8,4000] in layer Big/wide");
  });

  it("weights a file gives are not drawn: the same model needs less", () => {
    const file = check('model M(x: [B, 2]) {\n  return dense(1000, name="d")(x)\n}\n');
    // 2,000 + 1,000 floats: three copies are 36 KB; drawing them adds four times the largest (32 KB).
    expect(() => loadModel(file, { maxMemory: 50_000 })).toThrow(MemoryBudgetError);
    const weights = parseKerasWeights({ d: [[new Array(1000).fill(0), new Array(1000).fill(0)], new Array(1000).fill(0)] }, "w.json");
    expect(() => loadModel(file, { maxMemory: 50_000, weights })).not.toThrow();
  });
});

describe("runs", () => {
  const repeat = check("model R(x: [B, 4]) {\n  return repeat_vector(1000000000)(x)\n}\n");

  it("refuses repeat_vector(1000000000) before running, naming the layer, its shape and the estimate", () => {
    const model = loadModel(repeat, { maxMemory: 8 * GB });
    const message = refused(() => model.run({ x: [[1, 2, 3, 4]] }));
    expect(message).toBe(
      "running R on x [1,4] needs about 29.8 GB (the largest part: repeat_vector [1,1000000000,4], 14.9 GB), more than the memory budget of 8.0 GB; raise it with --max-memory (loadModel's maxMemory) if the machine has the memory",
    );
  });

  it("turns a failed allocation past the estimate into the same kind of message", () => {
    // A budget larger than any machine: the estimate passes, WebAssembly's 4 GB memory limit does not.
    const model = loadModel(repeat, { maxMemory: 2 ** 50 });
    const message = refused(() => model.run({ x: [[1, 2, 3, 4]] }));
    expect(message).toMatch(
      /^running R on x \[1,4\] needs about 29\.8 GB \(the largest part: repeat_vector .*\), and allocating it failed \(/,
    );
  });

  it("estimates each input shape: a batch that fits runs, a larger one of the same model is refused", () => {
    const model = loadModel(check("model M(x: [B, T, 4]) {\n  return lstm(8, seq=true)(x)\n}\n"), { maxMemory: 64 * 1024 });
    const sequence = (t: number) => [Array.from({ length: t }, () => [0.1, 0.2, 0.3, 0.4])];
    expect(model.run({ x: sequence(10) })[0]!.shape).toEqual([1, 10, 8]);
    expect(refused(() => model.run({ x: sequence(2000) }))).toMatch(
      /^running M on x \[1,2000,4\] needs about [\d.]+ KB \(the largest part: .*\[1,2000,/,
    );
    expect(model.run({ x: sequence(10) })[0]!.shape).toEqual([1, 10, 8]);
  });

  it("the estimate covers every value of the graph and the copied-out outputs", () => {
    const file = check("model M(x: [B, 4]) {\n  return repeat_vector(10)(dense(3)(x))\n}\n");
    const model = file.models[0]!;
    const graph = lowerModel(file, model, bindWeights(model, new Map([[model.name, model]]), undefined));
    const estimate = estimateRun(graph, [[2, 4]]);
    // inputs twice (8 floats), weights twice (15), dense output (6), repeat output and its copy (60 each), packed weights.
    expect(estimate.bytes).toBeGreaterThanOrEqual(4 * (16 + 30 + 6 + 60 + 60));
    expect(estimate.largest).toEqual({ bytes: 240, what: "repeat_vector [2,10,3]" });
  });

  it("estimates a graph whose recurrent op keeps its projection (as the tfjs backend runs it)", () => {
    const file = check("model M(x: [B, T, 4]) {\n  return lstm(8, seq=true)(x)\n}\n");
    const model = file.models[0]!;
    const graph = lowerModel(file, model, bindWeights(model, new Map([[model.name, model]]), undefined));
    // Not prepared: no hoisting pass has run, as in the tfjs backend's graph.
    const estimate = estimateRun(graph, [[2, 50, 4]]);
    expect(estimate.largest).toEqual({ bytes: 4 * 2 * 50 * 32, what: "input projection [2,50,32] in layer lstm" });
  });

  it("an arena past WebAssembly's 4 GB says what it needs (a compiled module's message), before allocating", () => {
    expect(() => new Arena(5 * GB)).toThrow(
      /^WebAssembly\.Memory: a run of these sizes needs 5\.0 GB of working memory, more than WebAssembly's 4 GB/,
    );
  });

  it("rejects a budget that is not a positive number of bytes", () => {
    const file = check("model M(x: [B, 4]) {\n  return dense(3)(x)\n}\n");
    expect(() => loadModel(file, { maxMemory: -1 })).toThrow(/maxMemory is a number of bytes greater than 0/);
    expect(() => loadModel(file, { maxMemory: Number.NaN })).toThrow(/maxMemory/);
  });
});

describe("sizes", () => {
  it("parses the sizes --max-memory takes", () => {
    expect(parseByteSize("1048576")).toBe(1048576);
    expect(parseByteSize("512M")).toBe(512 * 1024 ** 2);
    expect(parseByteSize("2G")).toBe(2 * GB);
    expect(parseByteSize("1.5GiB")).toBe(1.5 * GB);
    expect(parseByteSize("64kb")).toBe(65536);
    for (const bad of ["", "0", "-1G", "1x", "G", "1e9", "constructor"]) expect(parseByteSize(bad), bad).toBeUndefined();
  });

  it("prints sizes in binary units", () => {
    expect(formatBytes(512)).toBe("512 bytes");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(8 * GB)).toBe("8.0 GB");
  });
});
