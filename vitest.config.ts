import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds src/ once per run for the tests that spawn the CLI (see the file).
    globalSetup: ["test/build-cli.ts"],
    // Generous, so that a loaded machine (two cores shared by the whole suite, or by other work) slows
    // the tests down without failing them: no test or hook depends on finishing within seconds.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
