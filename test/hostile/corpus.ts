// The hostile corpus: test/hostile/corpus.jsonl, one case a line. Append-only: a case is never
// edited or removed (its id stays meaningful in old reports); a changed expectation is a new case.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { HostileCase } from "./harness.js";

export function readCorpus(): HostileCase[] {
  const text = readFileSync(join(import.meta.dirname, "corpus.jsonl"), "utf8");
  const cases = text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      try {
        return JSON.parse(line) as HostileCase;
      } catch (error) {
        throw new Error(`corpus.jsonl line ${i + 1}: ${(error as Error).message}`);
      }
    });
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.id)) throw new Error(`corpus.jsonl: case id ${c.id} appears twice`);
    seen.add(c.id);
  }
  return cases;
}
