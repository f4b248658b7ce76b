/** Where the build puts onnxruntime-web's WebAssembly, relative to index.html (build.ts copies it; engines.ts loads it). */
export const ORT_WASM = "ort/ort-wasm-simd-threaded.wasm";
