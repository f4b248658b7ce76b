#!/usr/bin/env node
// The `rnnc` command: dispatches to one file per command. Usage errors and unreadable files exit 2
// with one line on stderr; nothing the user does shows a stack trace.
import { didYouMean } from "../source/suggest.js";
import { echo } from "../source/echo.js";
import { UsageError } from "./args.js";
import { checkCommand } from "./check.js";
import { fmtCommand } from "./fmt.js";
import { graphCommand } from "./graph.js";

import { importCommand } from "./import.js";
import { compileCommand } from "./compile.js";
import { exportCommand } from "./export.js";
import { UnreadableFile } from "./io.js";
import { lspCommand } from "./lsp.js";
import { runCommand } from "./run.js";
import { shapesCommand } from "./shapes.js";
import { summaryCommand } from "./summary.js";
import { asksForHelp, commandHelp } from "./usage.js";
import { packageVersion } from "./version.js";

const USAGE = `usage: rnnc <command> [options]   (rnnc <command> --help: its options; rnnc --version)

commands:
  check FILE... [--json]            report diagnostics; exit 0 clean, 1 errors, 2 bad usage
  shapes FILE [--model M] [--json]  every binding's inferred type and each layer's params
  summary FILE [--model M]          a Keras-style summary table
  run FILE [--model M] --input NAME=DATA.json ... [--weights W] [--json]
      [--backend cpu|tfjs|ort|auto [--tfjs-backend cpu|wasm]] [--verbose] [--max-memory SIZE]
                                    run a model (the first one by default) and print its outputs
  compile FILE... -o DIR            write DIR/<file>.js (an ES module, one export per model) and .d.ts
  export FILE --format onnx -o OUT.onnx [--model M] [--weights W] [--check]
                                    write the model as an ONNX file (opset 17); --check compares
                                    it in onnxruntime-node with rnnc's CPU backend
  export FILE --format keras -o OUT.py [--model M] [--weights W]
                                    write a Keras 3 Python module (MODELS, load_weights)
  graph FILE [--model M] [-o OUT.svg|OUT.dot|OUT.mmd]
                                    a picture of the model: SVG (to stdout without -o), DOT or Mermaid
  import MODEL -o OUT.rnn [--weights-out W.json]
                                    a .keras, .h5 or tfjs model.json as .rnn source and weights
  fmt FILE... [--check] [--write]   print formatted; --write rewrites, --check lists unformatted
  lsp --stdio                       the language server (JSON-RPC on stdin/stdout)
`;

// A Map: `rnnc constructor` must be an unknown command, not Object.prototype's constructor.
const COMMANDS = new Map<string, (argv: readonly string[]) => number>([
  ["check", checkCommand],
  ["shapes", shapesCommand],
  ["summary", summaryCommand],
  ["run", runCommand],
  ["compile", compileCommand],
  ["export", exportCommand],
  ["graph", graphCommand],

  ["import", importCommand],
  ["fmt", fmtCommand],
  ["lsp", lspCommand],
]);

export function main(argv: readonly string[]): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-v") {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const run = COMMANDS.get(command);
  if (run && asksForHelp(rest)) {
    process.stdout.write(commandHelp(command) ?? USAGE);
    return 0;
  }
  try {
    if (!run) throw new UsageError(`rnnc: unknown command ${echo(command)}${didYouMean(command, COMMANDS.keys())}`);
    return run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      // A command's own usage after its mistake; the list of commands after an unknown one.
      process.stderr.write(`${error.message}\n${(run ? commandHelp(command) : undefined) ?? USAGE}`);
      return 2;
    }
    if (error instanceof UnreadableFile) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    // A bug in rnnc itself: say so in one line rather than a stack trace.
    process.stderr.write(`rnnc: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 70;
  }
}

// A closed pipe (`rnnc check … | head`) ends the output, not the process with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = main(process.argv.slice(2));
