// The shipped WebAssembly kernels are exactly what kernels.wat compiles to: nobody edits the
// generated file by hand, and nobody changes kernels.wat without regenerating it.
import { readFileSync } from "node:fs";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { GENERATED_PATH, WAT_PATH, generatedKernelsModule } from "../scripts/wasm.js";
import { KERNELS_WASM } from "../src/backends/cpu/wasm/kernels.generated.js";

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
    expect(Object.keys(instance.exports).sort()).toEqual(["matmul_acc", "pack_strips"]);
    // Its memory is the arena's, imported: without one it does not instantiate.
    expect(() => new WebAssembly.Instance(module, {})).toThrow();
  });
});
