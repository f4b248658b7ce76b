// `rnnc <command> --help`: each command's usage, its options and what its exit codes mean.
const HELP: Record<string, string> = {
  check: `usage: rnnc check FILE... [--json]

Reports every diagnostic of each file (stdout), with its range and fix.
  --json   {"diagnostics":[{file, range, severity, code, message, fix?}]} with LSP positions
Exit 0 clean (warnings allowed), 1 errors, 2 bad usage or an unreadable file.
`,
  shapes: `usage: rnnc shapes FILE [--model M] [--json]

Every binding's inferred type, the outputs, each layer's params.
  --model M   only model M (default: every model)
  --json      the report as JSON
Exit 0, 1 when the file has errors, 2 bad usage.
`,
  summary: `usage: rnnc summary FILE [--model M]

A Keras-style model.summary() table per model.
  --model M   only model M (default: every model)
Exit 0, 1 when the file has errors, 2 bad usage.
`,
  run: `usage: rnnc run FILE [--model M] --input NAME=DATA.json ... [--weights W] [--json]
                [--backend cpu|tfjs|ort|auto [--tfjs-backend cpu|wasm]] [--verbose]
                [--max-memory SIZE] [--threads N]

Runs a model and prints its outputs in return order.
  --model M            the model to run (default: the first)
  --input NAME=FILE    an input's values as nested JSON arrays; one per input
  --weights W          Keras get_weights() JSON, a tfjs model.json, .keras, .h5 or .weights.h5
                       (default: the initializers in the source)
  --backend B          cpu (rnnc's kernels, default), tfjs (needs @tensorflow/tfjs), ort (ONNX
                       Runtime; needs onnxruntime-node) or auto (per call the faster of cpu and ort)
  --tfjs-backend B     tfjs's cpu (default) or wasm backend
  --verbose            say on stderr which engine ran and why
  --max-memory SIZE    the memory budget: bytes, or 512M, 2G (default: half the machine's)
  --threads N          threads rnnc's CPU kernels may use (default: the machine's cores)
  --json               {"outputs":[{shape, data}]}, float32 to nine significant digits
Exit 0, 1 for errors in the file, inputs or weights, 2 bad usage or an unreadable file.
`,
  compile: `usage: rnnc compile FILE... -o DIR

Writes DIR/<file>.js (a standalone ES module, one export per model) and DIR/<file>.d.ts.
  -o, --out DIR   the output folder (created if missing)
Exit 0, 1 when a file has errors or defines no model, 2 bad usage.
`,
  export: `usage: rnnc export FILE --format onnx|keras -o OUT [--model M] [--weights W] [--check]

Writes the model as an ONNX file (opset 17) or a Keras 3 Python module (MODELS, load_weights).
  --format F      onnx or keras
  -o, --out OUT   the file to write (OUT.onnx, OUT.py)
  --model M       the model to export (default: the first)
  --weights W     weights to include, as for rnnc run (default: the initializers)
  --check         (onnx) run the file in onnxruntime-node beside rnnc's CPU backend on random
                  inputs and print the largest difference; exit 1 past 1e-4
Exit 0, 1 when the model or weights are refused, 2 bad usage.
`,
  import: `usage: rnnc import MODEL -o OUT.rnn [--weights-out OUT.weights.json]

Reads a .keras, a legacy .h5 or a tfjs model.json (with its shards) and writes the .rnn source
and its weights.
  -o OUT.rnn                      the source to write
  --weights-out OUT.weights.json  the weights to write
A tfjs model.json is then run on tfjs-layers (when @tensorflow/tfjs is installed) beside rnnc on
random inputs, and the largest difference printed.
Exit 0, 1 when the model is refused (named layer and class) or the numbers differ by more than
1e-4, 2 bad usage or an unreadable file.
`,
  graph: `usage: rnnc graph FILE [--model M] [-o OUT.svg|OUT.dot|OUT.mmd]

Draws the model: one box per layer with its output type, arrows for tensors.
  --model M   the model to draw (default: the first)
  -o OUT      SVG by default (to stdout without -o); .dot writes Graphviz, .mmd Mermaid
Exit 0, 1 when the file has errors, 2 bad usage.
`,
  fmt: `usage: rnnc fmt FILE... [--check] [--write]

Prints each file formatted.
  --write   rewrite the files that change (and name them)
  --check   list the files that are not formatted; exit 1 if any
Exit 0, 1 for syntax errors or (--check) unformatted files, 2 bad usage or an unreadable file.
`,
  lsp: `usage: rnnc lsp --stdio

The language server, speaking JSON-RPC on stdin/stdout.
  --stdio   the transport (the only one)
`,
};

/** The help of `command`, or undefined for a command without its own. */
export function commandHelp(command: string): string | undefined {
  return Object.hasOwn(HELP, command) ? HELP[command] : undefined;
}

/** Whether the arguments ask for help (`--help` or `-h` before any `--`). */
export function asksForHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === "--") return false;
    if (arg === "--help" || arg === "-h") return true;
  }
  return false;
}
