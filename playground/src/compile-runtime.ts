// The browser's src/emit/bundle.ts (the playground's build puts this file in its place for
// compileModule). In Node, a compiled module's runtime is bundled by esbuild per set of names; a
// browser has no esbuild, so the build bundled the whole runtime once (every RuntimeName) and every
// module compiled here carries all of it: the same code, only not tree-shaken. Formatting is
// prettier's standalone build with its JavaScript and TypeScript plugins, loaded on first use.
import type { Options } from "prettier";
import { RUNTIME } from "rnnc-playground:runtime";

/** The options src/emit/bundle.ts formats generated code with. */
const PRETTIER: Options = { printWidth: 100 };

export async function formatCode(text: string, parser: "babel" | "typescript"): Promise<string> {
  const [prettier, babel, estree, typescript] = await Promise.all([
    import("prettier/standalone"),
    import("prettier/plugins/babel"),
    import("prettier/plugins/estree"),
    import("prettier/plugins/typescript"),
  ]);
  return prettier.format(text, { ...PRETTIER, parser, plugins: [babel, estree, typescript] });
}

export function runtimeBundle(_names: Iterable<string>): Promise<string> {
  return Promise.resolve(RUNTIME);
}
