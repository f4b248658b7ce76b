// Writes src/emit/runtime.generated.ts: the prebuilt runtime of compiled modules (scripts/runtime.ts).
import { writeFileSync } from "node:fs";
import { PREBUILT_PATH, generatedRuntimeModule } from "./runtime.js";

writeFileSync(PREBUILT_PATH, await generatedRuntimeModule());
console.log(`wrote ${PREBUILT_PATH}`);
