// The runtime a compiled module carries where no bundler runs (compileModule from the browser entry)
// is exactly what bundling every runtime name from today's sources gives: nobody edits the generated
// file, and a kernel changed without `npm run runtime` fails here rather than in a user's browser.
import { readFileSync } from "node:fs";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { PREBUILT_PATH, generatedRuntimeModule } from "../../scripts/runtime.js";
import { runtimeBundle } from "../../src/emit/bundle.js";
import { ALL_RUNTIME_NAMES } from "../../src/emit/runtime-names.js";
import { PREBUILT_RUNTIME } from "../../src/emit/runtime.generated.js";

describe("src/emit/runtime.generated.ts", () => {
  it("equals the bundle of every runtime name from the current sources (`npm run runtime`)", async () => {
    const message = `${PREBUILT_PATH} is out of date with src/: run \`npm run runtime\``;
    expect(PREBUILT_RUNTIME, message).toBe(await runtimeBundle(ALL_RUNTIME_NAMES));
    const config = (await prettier.resolveConfig(PREBUILT_PATH)) ?? {};
    const formatted = (text: string) => prettier.format(text, { ...config, filepath: PREBUILT_PATH });
    expect(await formatted(readFileSync(PREBUILT_PATH, "utf8")), message).toBe(await formatted(await generatedRuntimeModule()));
  });

  it("defines every runtime name on $rt and imports nothing", () => {
    const rt = new Function(`${PREBUILT_RUNTIME}\nreturn $rt;`)() as Record<string, unknown>;
    expect(Object.keys(rt).sort()).toEqual([...ALL_RUNTIME_NAMES].sort());
    expect(PREBUILT_RUNTIME).not.toMatch(/^\s*import[\s{*]|\brequire\(/m);
  });
});
