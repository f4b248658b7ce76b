// The runtime part of a compiled module, as Node's compileModule makes it: runtime.ts and what it
// imports from rnnc (kernels, the arena and its WebAssembly, input checks, the weights binder,
// initializers), bundled by esbuild from rnnc's own files with tree shaking so that a module carries
// only what its models call, then formatted. Built once per set of names in a process. Works from src/
// (TypeScript, under tsx or vitest) and from dist/. esbuild is loaded on first use: importing rnnc
// must not pay for it. Where there is no esbuild (a browser) compileModule takes the prebuilt runtime
// of every name instead (runtime.generated.ts, written by this file's bundle of ALL_RUNTIME_NAMES).
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { RuntimeName } from "./emitter.js";
import { formatCode } from "./format-code.js";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The package root: esbuild names each bundled file relative to it (`// src/ir/inputs.ts`). */
const ROOT = resolve(HERE, "..", "..");

const cache = new Map<string, Promise<string>>();

/**
 * The runtime for `names`: formatted JavaScript with no import, ending with `var $rt = { … }`, the
 * object generated code takes its functions from.
 */
export function runtimeBundle(names: Iterable<RuntimeName>): Promise<string> {
  const sorted = [...new Set(names)].sort();
  const key = sorted.join(",");
  let text = cache.get(key);
  if (!text) {
    text = bundle(sorted);
    cache.set(key, text);
    text.catch(() => cache.delete(key));
  }
  return text;
}

async function bundle(names: readonly RuntimeName[]): Promise<string> {
  const contents = `import { ${names.join(", ")} } from "./runtime.js";\nexport const $rt = { ${names.join(", ")} };\n`;
  const { build } = await import("esbuild");
  const result = await build({
    stdin: { contents, resolveDir: HERE, loader: "ts", sourcefile: "compiled-module-runtime" },
    absWorkingDir: ROOT,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    treeShaking: true,
    write: false,
    logLevel: "silent",
  });
  const text = result.outputFiles[0]!.text;
  const trailer = "export {\n  $rt\n};\n";
  if (!text.endsWith(trailer)) throw new Error("rnnc compile: unexpected end of the bundled runtime");
  const code = text.slice(0, -trailer.length);
  // Generated code names its own top-level bindings with a `$`: the runtime must have none but $rt.
  const clash = /^(?:var|let|const|function|class|async function)\s+(\$\w*)/m.exec(code.replace(/^var \$rt = /m, ""));
  if (clash) throw new Error(`rnnc compile: the bundled runtime declares ${clash[1]}, a name generated code may use`);
  if (/^\s*import[\s{*]|\brequire\(/m.test(code)) throw new Error("rnnc compile: the bundled runtime imports something");
  return formatCode(code, "babel");
}
