// The Node entry (`rnnc/node`, and what `rnnc` resolves to in Node): the browser-safe API of
// index.ts, plus what needs Node — reading model and weights files from disk, the machine's memory
// as loadModel's default budget, and compiled modules carrying only the runtime their models call
// (bundled by esbuild from rnnc's files). The command line uses this entry.
import { totalmem } from "node:os";
import type { CheckedFile } from "./check/program.js";
import { runtimeBundle } from "./emit/bundle.js";
import { compileModuleWith, type CompileOptions, type CompiledModule } from "./emit/compile.js";
import {
  loadModel as loadModelWithBudget,
  type AsyncRunnableModel,
  type LoadOptions,
  type OrtLoadOptions,
  type RunnableModel,
} from "./lower/load-model.js";
import { defaultMemoryBudget } from "./lower/memory.js";

export * from "./index.js";
export { readWeights, readModelFileAt, readTfjsModel } from "./weights/read.js";

/**
 * loadModel, its memory budget by default half of this machine's physical memory (os.totalmem),
 * where the browser entry can only guess.
 */
export function loadModel(checked: CheckedFile, options: OrtLoadOptions): Promise<AsyncRunnableModel>;
export function loadModel(checked: CheckedFile, options?: LoadOptions & { backend?: "cpu" | "tfjs"; ort?: undefined }): RunnableModel;
export function loadModel(checked: CheckedFile, options?: LoadOptions): RunnableModel | Promise<AsyncRunnableModel>;
export function loadModel(checked: CheckedFile, options: LoadOptions = {}): RunnableModel | Promise<AsyncRunnableModel> {
  if (options.maxMemory !== undefined) return loadModelWithBudget(checked, options);
  return loadModelWithBudget(checked, { ...options, maxMemory: defaultMemoryBudget(totalmem()) });
}

/** compileModule, its runtime bundled from rnnc's files with only what the models call. */
export function compileModule(checked: CheckedFile, options: CompileOptions = {}): Promise<CompiledModule> {
  return compileModuleWith(runtimeBundle, checked, options);
}
