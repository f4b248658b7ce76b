// `rnnc --version`: the version in rnnc's package.json, found from this file upward (dist/cli/ in a
// package, src/cli/ in the repository, or wherever the tests build it).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    let text: string;
    try {
      text = readFileSync(join(dir, "package.json"), "utf8");
    } catch {
      continue;
    }
    const manifest = JSON.parse(text) as { name?: unknown; version?: unknown };
    if (manifest.name === "rnnc" && typeof manifest.version === "string") return manifest.version;
  }
  throw new Error("rnnc's package.json was not found above its files");
}
