// Bytes flipped at random (a fixed seed) in real model files: every read either succeeds or is a
// DataError, quickly, and nothing is written to the console (jsfive reports some problems there).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { readModelFile } from "../../src/index.js";
import { DataError } from "../../src/types/tensor-data.js";

const KERAS = join(import.meta.dirname, "..", "fixtures", "model-files", "keras");
const FILES = ["bidirectional_lstm_ave_state.keras", "bidirectional_gru_none_mask_state.h5", "nested_model.weights.h5", "nested_model.h5"];

describe("model files with flipped bytes", () => {
  for (const file of FILES) {
    it(`${file}: 150 mutations, each read or refused with a DataError`, () => {
      const original = readFileSync(join(KERAS, file));
      let seed = 12345;
      const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
      const log = vi.spyOn(console, "log");
      const warn = vi.spyOn(console, "warn");
      try {
        for (let i = 0; i < 150; i++) {
          const bytes = Uint8Array.from(original);
          // Half the mutations hit the headers (the first 3 KB), half anywhere.
          const span = i % 2 === 0 ? Math.min(3000, bytes.length) : bytes.length;
          for (let k = 1 + Math.floor(random() * 8); k > 0; k--) bytes[Math.floor(random() * span)] = Math.floor(random() * 256);
          const start = performance.now();
          try {
            readModelFile(bytes, { source: file });
          } catch (error) {
            if (!(error instanceof DataError)) throw new Error(`mutation ${i}: ${String((error as Error).stack ?? error)}`);
            expect((error as Error).message.startsWith(`${file}`), (error as Error).message).toBe(true);
          }
          expect(performance.now() - start, `mutation ${i} took too long`).toBeLessThan(2000);
        }
        expect(log).not.toHaveBeenCalled();
        expect(warn).not.toHaveBeenCalled();
      } finally {
        log.mockRestore();
        warn.mockRestore();
      }
    });
  }
});
