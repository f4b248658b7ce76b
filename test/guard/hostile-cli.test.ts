// Issue 16's hostile inputs, as a user meets them on the command line: each gets a clear answer at
// the right time (check, or before anything is allocated), never an out-of-memory death, a stack
// trace or an internal error.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "rnnc-guard-"));

function rnnc(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** 31 models, each calling the next twice: 2^30 layer applications once inlined. */
function doubling(): string {
  const models = ["model M0(x: [B, T, 4]) {\n  return dense(4)(x)\n}"];
  for (let i = 1; i <= 30; i++) models.push(`model M${i}(x: [B, T, 4]) {\n  a = M${i - 1}(x)\n  return M${i - 1}(a)\n}`);
  return models.reverse().join("\n\n") + "\n";
}

/** 150 models, each calling the next. */
function nested(): string {
  const models = ["model N0(x: [B, T, 4]) {\n  return dense(4)(x)\n}"];
  for (let i = 1; i < 150; i++) models.push(`model N${i}(x: [B, T, 4]) {\n  return N${i - 1}(x)\n}`);
  return models.reverse().join("\n\n") + "\n";
}

const sequence = file("x3.json", "[[[1, 2, 3, 4], [5, 6, 7, 8]]]");
const vector = file("x2.json", "[[1, 2, 3, 4]]");
const TIMEOUT = 60_000;

describe("models that expand past the limits", () => {
  const exploding = file("explode.rnn", doubling());

  it(
    "31 models calling the next twice: check, run and compile all stop at RNN070",
    () => {
      const checked = rnnc("check", exploding);
      expect(checked.code).toBe(1);
      expect(checked.stdout).toMatch(/explode\.rnn:\d+:10: error RNN070: With this call, M13 expands to 8,192 layer applications/);
      const run = rnnc("run", exploding, "--input", `x=${sequence}`);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("RNN070");
      const out = join(dir, "out");
      const compiled = rnnc("compile", exploding, "-o", out);
      expect(compiled.code).toBe(1);
      expect(existsSync(join(out, "explode.js"))).toBe(false);
    },
    TIMEOUT,
  );

  it(
    "150 nested model calls: check says where the limit is, run agrees",
    () => {
      const deep = file("deep.rnn", nested());
      const checked = rnnc("check", deep);
      expect(checked.code).toBe(1);
      expect(checked.stdout).toContain("error RNN071: Model calls nest 101 deep here: N100 calls N99");
      const run = rnnc("run", deep, "--input", `x=${sequence}`);
      expect(run.code).toBe(1);
      expect(run.stderr).not.toContain("internal error");
    },
    TIMEOUT,
  );
});

describe("runs too big for memory", () => {
  it(
    "lstm(16000) is refused at load, naming the weight and the estimate",
    () => {
      const big = file("big-lstm.rnn", "model L(x: [B, T, 4]) {\n  return lstm(16000)(x)\n}\n");
      const r = rnnc("run", big, "--input", `x=${sequence}`, "--max-memory", "8G");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^rnnc run: loading L's weights needs about [\d.]+ GB \(the largest part: recurrent_kernel \[16000,64000\] in layer lstm, 3\.8 GB\), more than the memory budget of 8\.0 GB; raise it with --max-memory/,
      );
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    },
    TIMEOUT,
  );

  it(
    "repeat_vector(1000000000) is refused before running",
    () => {
      const big = file("big-repeat.rnn", "model R(x: [B, 4]) {\n  return repeat_vector(1000000000)(x)\n}\n");
      const r = rnnc("run", big, "--input", `x=${vector}`, "--max-memory", "8G");
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        "rnnc run: running R on x [1,4] needs about 29.8 GB (the largest part: repeat_vector [1,1000000000,4], 14.9 GB), more than the memory budget of 8.0 GB; raise it with --max-memory (loadModel's maxMemory) if the machine has the memory\n",
      );
    },
    TIMEOUT,
  );

  it(
    "--max-memory is a size: too small refuses, not a size is bad usage",
    () => {
      const small = file("small.rnn", "model S(x: [B, 4]) {\n  return dense(3)(x)\n}\n");
      const refused = rnnc("run", small, "--input", `x=${vector}`, "--max-memory", "100");
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^rnnc run: loading S's weights needs about .* more than the memory budget of 100 bytes/);
      const bad = rnnc("run", small, "--input", `x=${vector}`, "--max-memory", "lots");
      expect(bad.code).toBe(2);
      expect(bad.stderr.split("\n")[0]).toBe("rnnc run: --max-memory takes a size in bytes, or with K, M, G or T (512M, 2G); got lots");
      const fits = rnnc("run", small, "--input", `x=${vector}`, "--max-memory", "1M");
      expect(fits.code).toBe(0);
    },
    TIMEOUT,
  );
});

describe("user text echoed", () => {
  it(
    "a 2 MB identifier: check answers with 80 characters of it and a window of the line",
    () => {
      const huge = file("huge-name.rnn", `model M(x: [B, 3]) {\n  return ${"a".repeat(2_000_000)}\n}\n`);
      const r = rnnc("check", huge);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`error RNN010: Unknown name ${"a".repeat(80)}…: it is not an input`);
      expect(r.stdout.length).toBeLessThan(1000);
    },
    TIMEOUT,
  );

  it(
    "a 2 MB string in an input: the error quotes 80 characters of it",
    () => {
      const small = file("small2.rnn", "model S(x: [B, 4]) {\n  return dense(3)(x)\n}\n");
      const input = file("huge-input.json", `[["${"z".repeat(2_000_000)}", 1, 2, 3]]`);
      const r = rnnc("run", small, "--input", `x=${input}`);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`rnnc run: input x: element [0][0] is "${"z".repeat(80)}…", not a number\n`);
    },
    TIMEOUT,
  );

  it(
    'merge="toString" is an unknown merge mode',
    () => {
      const merge = file("merge.rnn", 'model M(x: [B, T, 4]) {\n  return bilstm(3, merge="toString")(x)\n}\n');
      const r = rnnc("check", merge);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("error RNN015:");
      expect(r.stdout).toContain("must be concat, sum, mul, ave or none");
    },
    TIMEOUT,
  );
});
