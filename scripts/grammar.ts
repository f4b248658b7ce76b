// The grammar documents as `npm run grammar` writes them: the EBNF, and the railroad diagrams with
// Chevrotain's diagram scripts and style (from its npm package: Apache-2.0, the railroad-diagrams
// library inside it CC0) inlined, so that grammar/diagrams.html works offline.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { grammarDiagramsHtml } from "../src/syntax/grammar-docs.js";

export { grammarEbnf } from "../src/syntax/grammar-docs.js";

/** chevrotain's `diagrams/` folder: beside the folder of its entry module (its exports name no other file). */
function diagramsFolder(): string {
  for (let dir = dirname(fileURLToPath(import.meta.resolve("chevrotain"))); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "diagrams", "src", "main.js"))) return join(dir, "diagrams");
  }
  throw new Error("scripts/grammar.ts: chevrotain's diagrams/ folder was not found");
}

const DIAGRAMS = diagramsFolder();

export function offlineDiagramsHtml(): string {
  return grammarDiagramsHtml((path) => readFileSync(join(DIAGRAMS, path), "utf8"));
}
