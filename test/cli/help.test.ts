// The command line's own help: `rnnc --version`, `rnnc <command> --help` for every command, and "did
// you mean" for a mistyped command, option or model name.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rnnc, ROOT } from "../cli-process.js";

/** The commands the general usage lists (`  check FILE...`, indented by two spaces). */
function listedCommands(): string[] {
  const usage = rnnc("--help").stdout;
  const block = usage.slice(usage.indexOf("commands:"));
  return [...new Set([...block.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!))];
}

describe("rnnc --version", () => {
  it("prints package.json's version and exits 0", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(rnnc("--version")).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect(rnnc("-v").stdout).toBe(`${version}\n`);
  });
});

describe("rnnc <command> --help", () => {
  const commands = listedCommands();

  it("lists the commands", () => {
    expect(commands).toEqual(expect.arrayContaining(["check", "shapes", "summary", "run", "compile", "export", "fmt", "lsp"]));
  });

  it.each(commands)("rnnc %s --help prints that command's usage and exits 0", (command) => {
    const r = rnnc(command, "--help");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: rnnc ${command} `));
    expect(rnnc(command, "-h").stdout).toBe(r.stdout);
  });

  it("follows a command's usage error with that command's usage, an unknown command with the list", () => {
    const r = rnnc("run", "examples/seed.rnn", "--backend", "gpu");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`rnnc run: unknown backend gpu (available: cpu, tfjs, ort, auto)\n${rnnc("run", "--help").stdout}`);
    expect(rnnc("chek").stderr).toContain("commands:");
  });

  it("takes --help among other arguments, but not after --", () => {
    expect(rnnc("run", "examples/seed.rnn", "--help").stdout).toMatch(/^usage: rnnc run /);
    const r = rnnc("check", "--", "--help");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("rnnc: cannot read --help: no such file\n");
  });
});

describe("did you mean", () => {
  it("names the closest model for a mistyped --model", () => {
    const r = rnnc("run", "examples/seed.rnn", "--model", "seedrnn", "--input", "x=examples/seed.x.json");
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(
      "rnnc run: examples/seed.rnn has no model named seedrnn (models: BiSeed, SeedRnn, SeedLstm, SeedBiLstm) Did you mean 'SeedRnn'?",
    );
    expect(rnnc("shapes", "examples/seed.rnn", "--model", "SeedLstn").stderr.split("\n")[0]).toMatch(/ Did you mean 'SeedLstm'\?$/);
  });

  it("names the closest option and command", () => {
    expect(rnnc("run", "examples/seed.rnn", "--modle", "BiSeed").stderr.split("\n")[0]).toBe(
      "rnnc run: unknown option --modle Did you mean '--model'?",
    );
    expect(rnnc("chek", "examples/seed.rnn").stderr.split("\n")[0]).toBe("rnnc: unknown command chek Did you mean 'check'?");
  });
});
