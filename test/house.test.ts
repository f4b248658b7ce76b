// The house rules of the README's Layout section, as tests: a src/ folder imports only from the
// folders above it in the layout's list (the floors are read from the README, which stays the one
// statement of them), no two source files import each other's values in a cycle (ES modules in a
// cycle see each other half-evaluated, depending on which one is loaded first), and src/ stays
// within the line budget the README states.
import { build, type Metafile } from "esbuild";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The README's Layout section: from its heading to the next one. */
function layoutSection(): string {
  const start = README.indexOf("\n## Layout\n");
  if (start < 0) throw new Error("README.md has no '## Layout' section");
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/**
 * The floors, top first: each line of the layout's code block that starts with `src/` names one (a
 * folder `src/x/` or a file `src/index.ts`); indented lines continue the one before.
 */
function floors(): string[] {
  const block = /```\n([\s\S]*?)```/.exec(layoutSection());
  if (!block) throw new Error("README.md's Layout section has no code block listing the floors");
  return block[1]!
    .split("\n")
    .map((line) => /^(src\/\S+)/.exec(line)?.[1])
    .filter((entry): entry is string => entry !== undefined);
}

/** The line budget the Layout section states ("a budget of 15,000 lines"). */
function lineBudget(): number {
  const stated = /budget of ([\d,]+) lines/.exec(layoutSection());
  if (!stated) throw new Error("README.md's Layout section states no line budget ('a budget of N lines')");
  return Number(stated[1]!.replaceAll(",", ""));
}

/** Every TypeScript file under src/, as a path relative to the repository (`src/lsp/server.ts`). */
const SOURCES = readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".ts"))
  .map((f) => posix.join("src", f.split("\\").join("/")))
  .sort();

/** The floor a file lives on: the entry that names it or its folder. */
function floorOf(file: string, list: readonly string[]): number {
  return list.findIndex((entry) => (entry.endsWith("/") ? file.startsWith(entry) : file === entry));
}

interface Import {
  from: string;
  line: number;
  to: string;
}

/** `../x/y.js` written in `from`, as the source file it loads (undefined for packages and other files). */
function resolveSource(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = posix.join(posix.dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, ".ts"), `${base}.ts`, `${base}/index.ts`]) {
    const path = join(ROOT, candidate);
    if (existsSync(path) && statSync(path).isFile()) return candidate;
  }
  return undefined;
}

/**
 * Every import of a source file, type-only ones included (a type from a lower floor is a dependency
 * on it too): `import … from`, `export … from`, `import "…"`, `import("…")` and `typeof import("…")`.
 */
function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const statement = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm;
  const dynamic = /\bimport\(\s*["']([^"']+)["']\s*\)/g;
  const found: Import[] = [];
  for (const pattern of [statement, dynamic]) {
    for (const match of text.matchAll(pattern)) {
      const to = resolveSource(file, match[1]!);
      const line = text.slice(0, match.index + match[0].indexOf(match[1]!)).split("\n").length;
      if (to) found.push({ from: file, line, to });
    }
  }
  return found;
}

/** The value imports between source files that run when a file is loaded, as esbuild resolves them (type-only imports are erased). */
function loadTimeImports(): Promise<Map<string, string[]>> {
  return (loadTimeGraph ??= esbuildGraph());
}
let loadTimeGraph: Promise<Map<string, string[]>> | undefined;

async function esbuildGraph(): Promise<Map<string, string[]>> {
  const result = await build({
    entryPoints: SOURCES.map((f) => join(ROOT, f)),
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    packages: "external",
    outdir: join(ROOT, ".scratch", "house"),
    logLevel: "silent",
  });
  const graph = new Map<string, string[]>();
  for (const [file, input] of Object.entries((result.metafile as Metafile).inputs)) {
    // A dynamic import() runs after its importer has finished loading, so it cannot see it half-evaluated.
    const loaded = input.imports.filter((i) => !i.external && i.kind === "import-statement").map((i) => i.path);
    graph.set(file, loaded);
  }
  return graph;
}

/** The cycles of a graph: each strongly connected component of more than one file (Tarjan), as one loop through it. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) components.push(component);
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((component) => loopThrough(graph, new Set(component)));
}

/** A shortest loop from the component's first file (in name order) back to itself, within the component. */
function loopThrough(graph: ReadonlyMap<string, readonly string[]>, component: ReadonlySet<string>): string[] {
  const start = [...component].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const loop = [start];
        for (let u = v; u !== start; u = previous.get(u)!) loop.splice(1, 0, u);
        return [...loop, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  throw new Error(`no loop through ${start}`);
}

describe("the floors of the README's layout", () => {
  const list = floors();

  it("are read from the README", () => {
    expect(list.length).toBeGreaterThanOrEqual(10);
    expect(list[0]).toBe("src/source/");
    expect(list).toContain("src/index.ts");
  });

  it("hold every source file", () => {
    expect(SOURCES.filter((f) => floorOf(f, list) < 0)).toEqual([]);
  });

  it("are imported only from below: a folder imports only from itself and the folders above it in the list", () => {
    const violations = SOURCES.flatMap(importsOf)
      .filter((i) => floorOf(i.to, list) > floorOf(i.from, list))
      .map((i) => `${i.from}:${i.line} imports ${i.to}, but ${list[floorOf(i.to, list)]} is listed below ${list[floorOf(i.from, list)]}`);
    expect(violations).toEqual([]);
  });

  it("are checked on every import esbuild resolves (the scan misses none)", async () => {
    const scanned = new Set(SOURCES.flatMap(importsOf).map((i) => `${i.from} → ${i.to}`));
    const graph = await loadTimeImports();
    const missed = [...graph].flatMap(([from, tos]) => tos.map((to) => `${from} → ${to}`)).filter((edge) => !scanned.has(edge));
    expect(graph.size).toBe(SOURCES.length);
    expect(missed).toEqual([]);
  });
});

describe("imports between source files", () => {
  it("finds a cycle when there is one", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c", "d"]],
      ["c", ["a"]],
      ["d", []],
      ["e", ["e"]],
    ]);
    expect(cycles(graph)).toEqual([
      ["a", "b", "c", "a"],
      ["e", "e"],
    ]);
  });

  it("form no cycle of value imports", async () => {
    const found = cycles(await loadTimeImports()).map((loop) => loop.join(" → "));
    expect(found, "files that import each other's values (break the cycle: move what both need to a third file)").toEqual([]);
  });
});

describe("the size of src/", () => {
  it("stays within the README's line budget", () => {
    const budget = lineBudget();
    const lines = SOURCES.reduce((sum, f) => sum + readFileSync(join(ROOT, f), "utf8").split("\n").length - 1, 0);
    expect(budget).toBeGreaterThan(0);
    expect(lines, `src/ has ${lines} lines of TypeScript; the README's budget is ${budget}`).toBeLessThanOrEqual(budget);
  });
});
