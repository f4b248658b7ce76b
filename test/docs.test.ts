// Generated documentation must match its generator.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnosticsMarkdown } from "../src/report/diagnostics-doc.js";
import { Codes } from "../src/source/catalog.js";

describe("docs/diagnostics.md", () => {
  it("is what `npm run docs` generates from the catalog", () => {
    const committed = readFileSync(join(import.meta.dirname, "..", "docs", "diagnostics.md"), "utf8");
    expect(committed, "docs/diagnostics.md is stale: run `npm run docs`").toBe(diagnosticsMarkdown());
  });

  it("has unique codes", () => {
    const codes = Object.values(Codes).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
