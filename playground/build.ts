// Builds the playground into playground/dist/: a static site (index.html, the app, the language
// server's worker, lazily loaded chunks for tfjs and the formatter's plugins) that needs no server
// logic and no network once loaded. `npx tsx playground/build.ts` or `npm run build:playground`.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { ORT_WASM } from "./src/ort-wasm-path.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
export const DIST = join(HERE, "dist");

/** The examples, embedded: `import { EXAMPLES } from "rnnc-playground:examples"`. */
function examplesModule(): string {
  const dir = join(ROOT, "examples");
  const examples = readdirSync(dir)
    .filter((f) => f.endsWith(".rnn"))
    .sort((a, b) => (a === "seed.rnn" ? -1 : b === "seed.rnn" ? 1 : a.localeCompare(b)))
    .map((f) => ({ name: basename(f, ".rnn"), source: readFileSync(join(dir, f), "utf8") }));
  return `export const EXAMPLES = ${JSON.stringify(examples)};`;
}

function playgroundPlugin(): Plugin {
  return {
    name: "rnnc-playground",
    setup(b) {
      b.onResolve({ filter: /^rnnc-playground:/ }, (args) => ({ path: args.path, namespace: "rnnc-playground" }));
      b.onLoad({ filter: /.*/, namespace: "rnnc-playground" }, (args) => {
        if (args.path === "rnnc-playground:examples") return { contents: examplesModule(), loader: "js" };
        throw new Error(`playground build: unknown virtual module ${args.path}`);
      });
      // The language server imports vscode-languageserver/node; the same API over postMessage is /browser.
      b.onResolve({ filter: /^vscode-languageserver\/node$/ }, (args) =>
        b.resolve("vscode-languageserver/browser", { kind: args.kind, resolveDir: args.resolveDir }),
      );
    },
  };
}

export async function buildPlayground(options: { minify?: boolean } = {}): Promise<string> {
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  await build({
    entryPoints: { app: join(HERE, "src/main.ts"), "lsp-worker": join(HERE, "src/lsp-worker.ts") },
    outdir: DIST,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: options.minify ?? true,
    sourcemap: false,
    logLevel: "warning",
    absWorkingDir: ROOT,
    chunkNames: "chunks/[name]-[hash]",
    plugins: [playgroundPlugin()],
    define: { "process.env.NODE_ENV": '"production"' },
  });
  for (const file of ["index.html", "style.css"]) copyFileSync(join(HERE, "src", file), join(DIST, file));
  // onnxruntime-web's WebAssembly (its JavaScript glue is in the bundle), fetched when the ort engine is first chosen.
  mkdirSync(dirname(join(DIST, ORT_WASM)), { recursive: true });
  copyFileSync(join(ROOT, "node_modules/onnxruntime-web/dist", basename(ORT_WASM)), join(DIST, ORT_WASM));
  return DIST;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  buildPlayground().then(
    (dir) => console.log(`playground: built ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`),
    (error: unknown) => {
      console.error(`playground build: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
