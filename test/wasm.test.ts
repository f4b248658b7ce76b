// The shipped WebAssembly kernels are exactly what kernels.wat compiles to: nobody edits the
// generated file by hand, and nobody changes kernels.wat without regenerating it.
import { readFileSync } from "node:fs";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { GENERATED_PATH, WAT_PATH, generatedKernelsModule, relaxedText } from "../scripts/wasm.js";
import { KERNELS_WASM, KERNELS_WASM_RELAXED } from "../src/backends/cpu/wasm/kernels.generated.js";
import { Arena } from "../src/backends/cpu/wasm/arena.js";

/** A TypeScript text as the repository's prettier config (checked by `npm test`) formats it. */
async function formatted(text: string): Promise<string> {
  const config = (await prettier.resolveConfig(GENERATED_PATH)) ?? {};
  return prettier.format(text, { ...config, filepath: GENERATED_PATH });
}

describe("src/backends/cpu/wasm/kernels.generated.ts", () => {
  it("equals what `npm run wasm` generates from kernels.wat", async () => {
    const generated = await generatedKernelsModule();
    const actual = readFileSync(GENERATED_PATH, "utf8");
    const message = `${GENERATED_PATH} is out of date with ${WAT_PATH}: run \`npm run wasm\``;
    // The module itself, byte for byte.
    expect(KERNELS_WASM, message).toBe(/export const KERNELS_WASM =\s*"([^"]*)";/.exec(generated)?.[1]);
    expect(KERNELS_WASM_RELAXED, message).toBe(/export const KERNELS_WASM_RELAXED =\s*"([^"]*)";/.exec(generated)?.[1]);
    // And the file, up to the formatting prettier (run by `npm test`) gives it.
    expect(await formatted(actual), message).toBe(await formatted(generated));
  });

  it("`npm run wasm` writes a file that `npm test`'s prettier --check accepts as it is", async () => {
    // Otherwise regenerating the kernels fails format:check until the file is reformatted by hand.
    const generated = await generatedKernelsModule();
    expect(generated, "scripts/wasm.ts emits text prettier would reformat").toBe(await formatted(generated));
  });

  it("holds a module that validates with SIMD and exports the kernels the arena calls", () => {
    const bytes = Uint8Array.from(atob(KERNELS_WASM), (c) => c.charCodeAt(0));
    expect(WebAssembly.validate(bytes)).toBe(true);
    const module = new WebAssembly.Module(bytes);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    expect(Object.keys(instance.exports).sort()).toEqual([
      "gru_gates",
      "gru_reset",
      "gru_update",
      "lstm_gates",
      "matmul_acc",
      "pack_strips",
      "rnn_gates",
    ]);
    // Its memory is the arena's, imported: without one it does not instantiate.
    expect(() => new WebAssembly.Instance(module, {})).toThrow();
  });

  it("the relaxed build is the same text with each vector multiply-then-add fused", () => {
    const text = relaxedText(
      "(local.set $c (f32x4.add (local.get $c) (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $w))))) ;; (f32x4.add x)",
    );
    expect(text).toBe("(local.set $c (f32x4.relaxed_madd (local.get $a) (v128.load offset=16 (local.get $w)) (local.get $c))) ");
    expect(relaxedText("(f32x4.add (local.get $c) (local.get $d))")).toBe("(f32x4.add (local.get $c) (local.get $d))");
    // Nested: the outer sum's product is fused after the inner one.
    expect(
      relaxedText(
        "(f32x4.add (local.get $c) (f32x4.mul (local.get $a) (f32x4.add (local.get $d) (f32x4.mul (local.get $e) (local.get $f)))))",
      ),
    ).toBe("(f32x4.relaxed_madd (local.get $a) (f32x4.relaxed_madd (local.get $e) (local.get $f) (local.get $d)) (local.get $c))");
    const wat = readFileSync(WAT_PATH, "utf8").replace(/;;.*$/gm, "");
    const relaxed = relaxedText(wat);
    // Every multiply-then-add is fused: each product left is an operand of something else.
    expect(relaxed).not.toMatch(/f32x4\.add\s+\((?:[^()]|\([^()]*\))*\)\s+\(f32x4\.mul/);
    expect(relaxed.match(/f32x4\.relaxed_madd/g)?.length).toBeGreaterThan(20);
  });

  it("holds a relaxed-SIMD module with the same exports, which this Node validates only with its flag", () => {
    const bytes = Uint8Array.from(atob(KERNELS_WASM_RELAXED), (c) => c.charCodeAt(0));
    // Node 20 runs vitest without --experimental-wasm-relaxed-simd: the arena falls back to plain SIMD.
    expect(WebAssembly.validate(bytes)).toBe(false);
    expect(Arena.kernels()).toBe("simd");
  });
});
