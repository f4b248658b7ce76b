// Writes src/backends/cpu/wasm/kernels.generated.ts from kernels.wat.
import { writeFileSync } from "node:fs";
import { GENERATED_PATH, generatedKernelsModule } from "./wasm.js";

writeFileSync(GENERATED_PATH, await generatedKernelsModule());
console.log(`wrote ${GENERATED_PATH}`);
