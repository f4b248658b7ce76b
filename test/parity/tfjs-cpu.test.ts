// rnnc's tfjs backend on TensorFlow.js's cpu backend: every parity case (see cases.ts) against the
// float64 reference, tfjs-layers and the published seed numbers, to 1e-5 as the CPU backend.
import { tfjsRunner } from "../backends/tfjs-setup.js";
import { runCases } from "./cases.js";

runCases("tfjs backend on tfjs-cpu", tfjsRunner("cpu"));
