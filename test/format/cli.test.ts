// `rnnc fmt` and `prettier --plugin` as a user runs them: spawned, exit codes and output.
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILT_PLUGIN, node, rnnc, ROOT } from "../cli-process.js";
import { EXAMPLES } from "../fuzz/support.js";

const examples = EXAMPLES.map((e) => `examples/${e.name}`);

function tempFiles(files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), "rnnc-fmt-"));
  return Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}

const UGLY = "model A(x:[B,T,3]){y=lstm(3)(x);return y}\n";
const PRETTY = "model A(x: [B, T, 3]) {\n  y = lstm(3)(x)\n  return y\n}\n";
const BROKEN = "model A(x: [1]) {\n  return (x\n}\n";

describe("rnnc fmt", () => {
  it("--check passes on the examples (they are formatted)", () => {
    expect(rnnc("fmt", "--check", ...examples)).toMatchObject({ code: 0, stdout: "", stderr: "" });
  });

  it("prints the formatted text", () => {
    const [file] = tempFiles({ "a.rnn": UGLY });
    expect(rnnc("fmt", file!)).toMatchObject({ code: 0, stdout: PRETTY, stderr: "" });
    expect(readFileSync(file!, "utf8")).toBe(UGLY);
  });

  it("--check lists the files that would change and exits 1", () => {
    const [ugly, pretty] = tempFiles({ "ugly.rnn": UGLY, "pretty.rnn": PRETTY });
    const r = rnnc("fmt", "--check", ugly!, pretty!);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`${ugly}\n`);
    expect(r.stderr).toContain("1 file is not formatted");
  });

  it("--write rewrites the files that change, and names them", () => {
    const [ugly, pretty] = tempFiles({ "ugly.rnn": UGLY, "pretty.rnn": PRETTY });
    expect(rnnc("fmt", "--write", ugly!, pretty!)).toMatchObject({ code: 0, stdout: `${ugly}\n` });
    expect(readFileSync(ugly!, "utf8")).toBe(PRETTY);
    expect(readFileSync(pretty!, "utf8")).toBe(PRETTY);
    expect(rnnc("fmt", "--check", ugly!).code).toBe(0);
  });

  it("reports syntax errors as diagnostics, formats nothing of that file, and exits 1", () => {
    const [broken, ugly] = tempFiles({ "broken.rnn": BROKEN, "ugly.rnn": UGLY });
    const r = rnnc("fmt", "--write", broken!, ugly!);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${broken!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:1: error RNN002: `));
    expect(r.stderr).toContain("1 file has syntax errors and was not formatted");
    expect(readFileSync(broken!, "utf8")).toBe(BROKEN);
    expect(readFileSync(ugly!, "utf8")).toBe(PRETTY);
  });

  it("exits 2 on an unreadable file, still formatting the others", () => {
    const [ugly] = tempFiles({ "ugly.rnn": UGLY });
    const r = rnnc("fmt", "no/such/file.rnn", ugly!);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("rnnc: cannot read no/such/file.rnn: no such file\n");
    expect(r.stdout).toBe(PRETTY);
  });

  it("--write replaces the file through a temporary file beside it, keeping its mode", () => {
    const [ugly] = tempFiles({ "ugly.rnn": UGLY });
    chmodSync(ugly!, 0o640);
    expect(rnnc("fmt", "--write", ugly!)).toMatchObject({ code: 0, stdout: `${ugly}\n` });
    expect(readFileSync(ugly!, "utf8")).toBe(PRETTY);
    expect(statSync(ugly!).mode & 0o777).toBe(0o640);
    expect(readdirSync(join(ugly!, ".."))).toEqual(["ugly.rnn"]);
  });

  it("--write on a symlink rewrites the file it points to and keeps the link", () => {
    const [ugly] = tempFiles({ "ugly.rnn": UGLY });
    const link = join(ugly!, "..", "link.rnn");
    symlinkSync(ugly!, link);
    expect(rnnc("fmt", "--write", link)).toMatchObject({ code: 0, stdout: `${link}\n` });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(ugly!, "utf8")).toBe(PRETTY);
  });

  it("refuses a file that is not UTF-8, naming the byte offset, and never rewrites it", () => {
    const dir = mkdtempSync(join(tmpdir(), "rnnc-fmt-"));
    const file = join(dir, "latin1.rnn");
    const bytes = Buffer.concat([Buffer.from("model A(x:[1]){return x} # caf"), Buffer.from([0xe9, 0x0a])]);
    writeFileSync(file, bytes);
    for (const args of [
      ["fmt", "--write", file],
      ["fmt", file],
      ["check", file],
    ]) {
      const r = rnnc(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toBe(`rnnc: cannot read ${file}: is not valid UTF-8 (byte 0xe9 at offset ${bytes.indexOf(0xe9)})\n`);
    }
    expect(readFileSync(file)).toEqual(bytes);
  });

  it("keeps a byte-order mark when it rewrites", () => {
    const [ugly] = tempFiles({ "bom.rnn": `\uFEFF${UGLY}` });
    expect(rnnc("fmt", "--write", ugly!).code).toBe(0);
    expect(readFileSync(ugly!, "utf8")).toBe(`\uFEFF${PRETTY}`);
    expect(rnnc("check", ugly!).code).toBe(0);
  });

  it("exits 2 on bad usage", () => {
    for (const args of [["fmt"], ["fmt", "--check", "--write", "examples/seed.rnn"], ["fmt", "--json", "examples/seed.rnn"]]) {
      const r = rnnc(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^rnnc fmt: /);
    }
  });
});

describe("prettier --plugin", () => {
  const prettier = (...args: string[]) => node(join(ROOT, "node_modules/prettier/bin/prettier.cjs"), "--plugin", BUILT_PLUGIN, ...args);

  it("--check passes on the examples (the same check as `npm run format:rnn`, on the plugin built from the sources)", () => {
    const r = prettier("--check", ...examples);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("formats like rnnc fmt, whatever the project's printWidth", () => {
    const [file] = tempFiles({ "a.rnn": UGLY });
    expect(prettier(file!)).toMatchObject({ code: 0, stdout: PRETTY });
    expect(prettier("--print-width", "20", file!)).toMatchObject({ code: 0, stdout: PRETTY });
  });

  it("reports a syntax error with its position and a code frame", () => {
    const [file] = tempFiles({ "broken.rnn": BROKEN });
    const r = prettier("--check", file!);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("SyntaxError: RNN002: expected ')' but found '}' (3:1)");
    expect(r.stderr).toContain("> 3 | }");
  });
});
