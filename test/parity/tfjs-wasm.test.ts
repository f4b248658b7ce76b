// rnnc's tfjs backend on TensorFlow.js's wasm backend: every parity case (see cases.ts) against the
// float64 reference and the published seed numbers, to 1e-5. (tfjs-layers, the second oracle, runs
// on tfjs's cpu backend; tfjs-cpu.test.ts compares with it.)
import { tfjsRunner } from "../backends/tfjs-setup.js";
import { runCases } from "./cases.js";

runCases("tfjs backend on tfjs-wasm", tfjsRunner("wasm"), { tfjs: false });
