// The CLI from its sources, reporting its peak RSS (KiB) on fd 3 at exit, as the bundle does (harness.ts).
import { writeSync } from "node:fs";

process.on("exit", () => {
  try {
    writeSync(3, String(process.resourceUsage().maxRSS));
  } catch {
    // fd 3 is not open: run by hand
  }
});
await import("../../src/cli/main.js");
