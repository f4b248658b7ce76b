// The package as a user gets it: `npm pack` (which builds dist/ through `prepare`), the tarball
// installed into an empty folder outside the repository, and then the CLI, the API, the prettier
// plugin and the language server used from there — none of the papercuts.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rnnc as repoRnnc, ROOT } from "../cli-process.js";

const TIMEOUT = 300_000;

let folder: string;
let app: string;
let packed: string[];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a user's shell: without the npm_* variables of the `npm`/`npx` that started
 * the tests (the repository's own npm configuration, which the user's folder knows nothing of).
 */
const USER_ENV = { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name))), NO_COLOR: "1" };

function run(command: string, args: string[], cwd: string): Result {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", env: USER_ENV });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `npx rnnc …` in the user's folder. */
function rnnc(...args: string[]): Result {
  return run("npx", ["--no-install", "rnnc", ...args], app);
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "rnnc-pack-"));
  const pack = run("npm", ["pack", "--json", "--pack-destination", folder], ROOT);
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  packed = info!.files.map((f) => f.path);
  const tarball = join(folder, info!.filename);
  app = join(folder, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  // The dependencies come from npm's cache when the repository's install left them there; else from the registry.
  let install = run("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], app);
  if (install.code !== 0) install = run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], app);
  if (install.code !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
  copyFileSync(join(ROOT, "examples", "seed.rnn"), join(app, "seed.rnn"));
  copyFileSync(join(ROOT, "examples", "seed.x.json"), join(app, "seed.x.json"));
}, TIMEOUT);

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("holds the built entries, the prettier plugin, the grammar, docs/ and the LICENSE", () => {
    for (const file of [
      "package.json",
      "LICENSE",
      "README.md",
      "dist/index.js",
      "dist/node.js",
      "dist/cli/main.js",
      "dist/format/plugin.js",
      "grammar/diagrams.html",
      "docs/decisions.md",
      "docs/diagnostics.md",
    ]) {
      expect(packed, file).toContain(file);
    }
    expect(readFileSync(join(app, "node_modules", "rnnc", "LICENSE"), "utf8")).toContain("Copyright (c) 2026 the rnnc authors");
  });

  it("runs the CLI: rnnc run gives the repository's numbers, --version, --help", { timeout: TIMEOUT }, () => {
    const installed = rnnc("run", "seed.rnn", "--input", "x=seed.x.json", "--json");
    const repo = repoRnnc("run", "examples/seed.rnn", "--input", "x=examples/seed.x.json", "--json");
    expect(installed.stderr).toBe("");
    expect(installed.code).toBe(0);
    expect(installed.stdout).toBe(repo.stdout);
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(rnnc("--version").stdout).toBe(`${version}\n`);
    const help = rnnc("run", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: rnnc run /);
  });

  it("says what to install for an optional engine that is not", { timeout: TIMEOUT }, () => {
    const r = rnnc("run", "seed.rnn", "--input", "x=seed.x.json", "--backend", "tfjs");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("rnnc run: --backend tfjs needs the @tensorflow/tfjs package (npm install @tensorflow/tfjs)\n");
  });

  it("imports the API: rnnc (Node: with the file readers), rnnc/node, rnnc/browser", { timeout: TIMEOUT }, () => {
    writeFileSync(
      join(app, "api.mjs"),
      `import { check, loadModel, formatRnnSync, readWeights, compileModule } from "rnnc";
import * as node from "rnnc/node";
import * as browser from "rnnc/browser";
const checked = check(${JSON.stringify(readFileSync(join(ROOT, "examples", "seed.rnn"), "utf8"))});
const x = ${readFileSync(join(ROOT, "examples", "seed.x.json"), "utf8")};
const [y] = loadModel(checked).run({ x });
const compiled = await compileModule(checked);
console.log(JSON.stringify({
  diagnostics: check("model M(x: [B, T, 8]) {\\n  a = lstm(16)(x)\\n  b = lstm(8)(a)\\n  return b\\n}").diagnostics.map((d) => d.code),
  first: y.data[0],
  formatted: formatRnnSync("model M(x:[1,2]){return x}"),
  readers: [typeof readWeights, typeof node.readWeights, typeof browser.readWeights],
  compiled: compiled.models.map((m) => m.exportName),
}));
`,
    );
    const r = run(process.execPath, ["api.mjs"], app);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out["diagnostics"]).toEqual(["RNN020"]);
    expect(out["first"]).toBeCloseTo(0.3590647, 6);
    expect(out["formatted"]).toBe("model M(x: [1, 2]) {\n  return x\n}\n");
    expect(out["readers"]).toEqual(["function", "function", "undefined"]);
    expect(out["compiled"]).toEqual(["BiSeed", "SeedRnn", "SeedLstm", "SeedBiLstm"]);
  });

  it("bundles `rnnc` for the web: esbuild platform=browser picks the browser entry, with no Node built-in", { timeout: TIMEOUT }, () => {
    writeFileSync(
      join(app, "web.mjs"),
      `export { check, shapes, loadModel, compileModule, formatRnnSync, exportOnnx, weightsFromBytes } from "rnnc";\n`,
    );
    writeFileSync(
      join(app, "bundle.mjs"),
      `import { build } from "esbuild";
const nodeImports = [];
const result = await build({
  entryPoints: ["web.mjs"], bundle: true, platform: "browser", format: "esm", write: false, metafile: true, logLevel: "silent",
  plugins: [{ name: "node-imports", setup(b) { b.onResolve({ filter: /^node:/ }, (a) => (nodeImports.push(a.path), { path: a.path, external: true })); } }],
});
console.log(JSON.stringify({ nodeImports, inputs: Object.keys(result.metafile.inputs).filter((f) => f.includes("node_modules/rnnc/")) }));
`,
    );
    const r = run(process.execPath, ["bundle.mjs"], app);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { nodeImports: string[]; inputs: string[] };
    expect(out.nodeImports).toEqual([]);
    expect(out.inputs).toContain("node_modules/rnnc/dist/index.js");
    expect(out.inputs).not.toContain("node_modules/rnnc/dist/node.js");
  });

  it("formats with prettier --plugin rnnc/prettier-plugin", { timeout: TIMEOUT }, () => {
    const ok = run("npx", ["--no-install", "prettier", "--plugin", "rnnc/prettier-plugin", "--check", "seed.rnn"], app);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    writeFileSync(join(app, "messy.rnn"), "model M(x:[1,2]){return x}\n");
    const messy = run("npx", ["--no-install", "prettier", "--plugin", "rnnc/prettier-plugin", "--check", "messy.rnn"], app);
    expect(messy.code).toBe(1);
    expect(messy.stderr).toContain("messy.rnn");
  });

  it("answers an LSP initialize over stdio", { timeout: TIMEOUT }, async () => {
    const bin = join(app, "node_modules", ".bin", "rnnc");
    expect(existsSync(bin)).toBe(true);
    const server = spawn(bin, ["lsp", "--stdio"], { cwd: app, env: USER_ENV });
    const frame = (message: object) => {
      const body = JSON.stringify({ jsonrpc: "2.0", ...message });
      return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    };
    let received = "";
    const response = new Promise<{ id: number; result: { capabilities: Record<string, unknown>; serverInfo?: { name: string } } }>(
      (resolve, reject) => {
        server.stdout.on("data", (chunk: Buffer) => {
          received += chunk.toString();
          const start = received.indexOf("\r\n\r\n");
          const length = /Content-Length: (\d+)/.exec(received)?.[1];
          if (start >= 0 && length !== undefined && received.length >= start + 4 + Number(length)) {
            resolve(JSON.parse(received.slice(start + 4, start + 4 + Number(length))));
          }
        });
        server.on("exit", (code) => reject(new Error(`the server exited (${code}) before answering: ${received}`)));
      },
    );
    server.stdin.write(frame({ id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } }));
    const answer = await response;
    expect(answer.id).toBe(1);
    expect(answer.result.capabilities).toHaveProperty("hoverProvider");
    expect(answer.result.capabilities).toHaveProperty("documentFormattingProvider");
    const exited = new Promise<number | null>((resolve) => server.on("exit", resolve));
    server.stdin.write(frame({ id: 2, method: "shutdown" }));
    server.stdin.write(frame({ method: "exit" }));
    expect(await exited).toBe(0);
  });
});
