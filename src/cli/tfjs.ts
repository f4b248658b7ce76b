// TensorFlow.js for `rnnc run --backend tfjs`: imported only here, on demand (it is an optional
// dependency of the CLI, never of the library), with its banners and warnings kept off the output.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { TfjsCore } from "../node.js";

export const TFJS_BACKENDS = ["cpu", "wasm"] as const;
export type TfjsBackendName = (typeof TFJS_BACKENDS)[number];

/** tfjs cannot be used: the message is one line for the user. */
export class TfjsUnavailable extends Error {}

/** What the CLI calls on the @tensorflow/tfjs module beyond the ops. */
type TfjsModule = TfjsCore & {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  enableProdMode(): void;
};

/**
 * @tensorflow/tfjs with `backend` active: its own cpu backend, or the WebAssembly one with its .wasm
 * files read from node_modules (never fetched).
 */
export async function loadTfjs(backend: TfjsBackendName): Promise<TfjsCore> {
  // tfjs greets Node users on the console ("Hi, looks like you are running TensorFlow.js in Node.js…");
  // nothing but rnnc's output may reach stdout (--json), and stderr is for rnnc's own errors.
  const saved = { log: console.log, info: console.info, warn: console.warn };
  console.log = console.info = console.warn = () => {};
  try {
    const tf = (await importOptional("@tensorflow/tfjs", "--backend tfjs")) as TfjsModule;
    tf.enableProdMode(); // tfjs's later warnings too
    if (backend === "wasm") {
      const wasm = (await importOptional("@tensorflow/tfjs-backend-wasm", "--tfjs-backend wasm")) as {
        setWasmPaths(prefix: string): void;
      };
      const dir = dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json"));
      wasm.setWasmPaths(`${dir}/dist/`);
    }
    let ok = false;
    try {
      ok = await tf.setBackend(backend);
      await tf.ready();
    } catch {
      ok = false;
    }
    if (!ok) throw new TfjsUnavailable(`rnnc run: the tfjs ${backend} backend did not initialise`);
    return tf;
  } finally {
    Object.assign(console, saved);
  }
}

async function importOptional(name: string, option: string): Promise<unknown> {
  try {
    // A specifier in a variable: TypeScript does not need the package to build rnnc.
    const specifier: string = name;
    return await import(specifier);
  } catch {
    throw new TfjsUnavailable(`rnnc run: ${option} needs the ${name} package (npm install ${name})`);
  }
}
