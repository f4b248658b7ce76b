// Writes the generated documentation: docs/diagnostics.md from the diagnostic catalog.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { diagnosticsMarkdown } from "../src/report/diagnostics-doc.js";

const path = join(import.meta.dirname, "..", "docs", "diagnostics.md");
writeFileSync(path, diagnosticsMarkdown());
console.log(`wrote ${path}`);
