// Loaded with `node --import` before the CLI: @tensorflow/tfjs cannot be found, as on a machine
// where the optional package is not installed.
import { register } from "node:module";

register(
  `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === "@tensorflow/tfjs" || specifier.startsWith("@tensorflow/tfjs/")) {
    throw Object.assign(new Error("Cannot find package '" + specifier + "'"), { code: "ERR_MODULE_NOT_FOUND" });
  }
  return next(specifier, context);
}`)}`,
);
