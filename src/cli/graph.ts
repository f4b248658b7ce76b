// `rnnc graph FILE [--model M] [-o OUT.svg|OUT.dot|OUT.mmd]` (LANGUAGE.md §8): a picture of the model,
// SVG by default (to stdout without -o), the format read from the output's extension. Bad usage exits
// 2; a file with errors prints its diagnostics and exits 1. SVG layout is asynchronous (Graphviz in
// WebAssembly): the command returns and sets the exit code when it is written, as `compile` does.
import { writeFileSync } from "node:fs";
import { extname } from "node:path";
import { graphToDot, graphToMermaid, graphToSvg, modelGraph, type ModelGraph } from "../node.js";
import { echo } from "../source/echo.js";
import { flag, parseArgs, UsageError } from "./args.js";
import { loadChecked } from "./load.js";

const FORMATS: Record<string, { name: string; write: (graph: ModelGraph) => string | Promise<string> }> = {
  ".svg": { name: "SVG", write: graphToSvg },
  ".dot": { name: "Graphviz DOT", write: graphToDot },
  ".gv": { name: "Graphviz DOT", write: graphToDot },
  ".mmd": { name: "Mermaid", write: graphToMermaid },
};

export function graphCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, { model: { value: true }, o: { value: true }, out: { value: true } }, "graph");
  if (args.flags.has("o") && args.flags.has("out")) throw new UsageError("rnnc graph: give the output file once (-o OUT.svg)");
  const out = flag(args, "o") ?? flag(args, "out");
  const format = FORMATS[out === undefined ? ".svg" : extname(out).toLowerCase()];
  if (!format)
    throw new UsageError(`rnnc graph: cannot tell the format of ${echo(out!)} from its extension (use ${Object.keys(FORMATS).join(", ")})`);
  const loaded = loadChecked(args, "graph");
  if (loaded.hasErrors) return 1;
  if (loaded.checked.models.length === 0) {
    process.stderr.write(`rnnc graph: ${loaded.file} defines no model; nothing to draw\n`);
    return 1;
  }
  const graph = modelGraph(loaded.checked, flag(args, "model"));
  const emit = (text: string): number => {
    if (out === undefined) {
      process.stdout.write(text);
      return 0;
    }
    try {
      writeFileSync(out, text);
    } catch (error) {
      process.stderr.write(`rnnc graph: cannot write ${out}: ${(error as Error).message}\n`);
      return 1;
    }
    process.stdout.write(`${loaded.file} → ${out} (${Buffer.byteLength(text)} bytes, ${format.name})\n`);
    return 0;
  };
  const text = format.write(graph);
  if (typeof text === "string") return emit(text);
  text.then(
    (svg) => (process.exitCode = emit(svg)),
    (error: unknown) => {
      process.stderr.write(`rnnc: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 70;
    },
  );
  return 0;
}
