// Every name of src/emit/runtime.ts that generated code may call: the prebuilt runtime
// (runtime.generated.ts) holds them all, for a compile with no bundler at hand (a browser).
import type { RuntimeName } from "./emitter.js";

export const ALL_RUNTIME_NAMES = [
  "defineModel",
  "Arena",
  "f32",
  "i32",
  "u8",
  "align",
  "fastExp",
  "hardSigmoid",
  "hardSigmoid3",
  "activateInPlace",
  "DataError",
  "maskNotEqual",
  "applyMask",
  "layerNorm",
  "im2col",
  "poolTime",
  "where",
  "attention",
] as const satisfies readonly RuntimeName[];

/** A RuntimeName added to the union but not here is a type error, not a compiled module that breaks. */
type Missing = Exclude<RuntimeName, (typeof ALL_RUNTIME_NAMES)[number]>;
export const everyRuntimeNameListed: [Missing] extends [never] ? true : Missing = true;
