// Hostile input through the CLI, as a user (or an attacker handing a user files) would run it: every
// case of corpus.jsonl and a fixed sample of generated ones, each in its own process under a time
// and memory watchdog. Each must end with its exit code (1 or 2) and one line on stderr — never an
// internal error (70), a signal, a stack trace or a hang — within the memory bound.
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCorpus } from "./corpus.js";
import { generatedCase } from "./generate.js";
import { bundleCli, DEFAULT_WATCHDOG, materialize, outcomeProblems, runCli, type HostileCase } from "./harness.js";

/** Well above what rnnc needs for these small files (about 60 MiB), well below what a file that is read without bounds takes. */
const MAX_RSS_MIB = 300;
const GENERATED = 32;

async function expectSurvives(c: HostileCase, exits: readonly number[], severalLines = false): Promise<void> {
  const dir = materialize(c.files);
  try {
    const outcome = await runCli(dir, c.argv);
    expect(outcomeProblems(outcome, { exit: exits, stderr: c.stderr, severalLines }), `${c.id}: ${c.what}`).toEqual([]);
    expect(outcome.peakRssMiB, `${c.id}: peak RSS`).toBeLessThan(MAX_RSS_MIB);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  await bundleCli();
}, 60_000);

afterAll(async () => {
  rmSync(dirname(await bundleCli()), { recursive: true, force: true });
});

const timeout = DEFAULT_WATCHDOG.timeoutMs + 10_000;

describe("the hostile corpus", () => {
  for (const c of readCorpus()) {
    it(`${c.id}: ${c.what}`, () => expectSurvives(c, [c.exit]), timeout);
  }
});

describe("generated hostile documents (seed 1)", () => {
  for (let n = 0; n < GENERATED; n++) {
    const c = generatedCase(1, n);
    // A generated document may happen to be valid (exit 0); it must still never crash, hang or blow up.
    it(`${c.id}: ${c.what}`, () => expectSurvives(c, [0, 1, 2], true), timeout);
  }
});
