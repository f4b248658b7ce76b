// Every model of every example that checks clean, checked once, for the graph tests.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { check, type CheckedFile, type CheckedModel } from "../../src/index.js";

export const EXAMPLES_DIR = join(import.meta.dirname, "..", "..", "examples");

export interface ExampleModel {
  file: string;
  source: string;
  checked: CheckedFile;
  model: CheckedModel;
}

export function exampleModels(): ExampleModel[] {
  const files = readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith(".rnn"))
    .sort();
  return files.flatMap((file) => {
    const source = readFileSync(join(EXAMPLES_DIR, file), "utf8");
    const checked = check(source);
    return checked.models.filter((m) => m.ok).map((model) => ({ file, source, checked, model }));
  });
}
