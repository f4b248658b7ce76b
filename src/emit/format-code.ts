// Generated code formatted for reading, by prettier's standalone build with the parsers it needs
// passed in: the same code and the same output in Node and in a browser (where prettier's Node
// entry, which finds its plugins by itself, does not exist). Loaded on first use.
import type { Options, Plugin } from "prettier";

/** Formatting of generated code (the project's own .prettierrc does not apply to users' output). */
const PRETTIER: Options = { printWidth: 100 };

/** Generated code formatted for reading: JavaScript (`babel`) or TypeScript declarations. */
export async function formatCode(text: string, parser: "babel" | "typescript"): Promise<string> {
  const [prettier, estree, language] = await Promise.all([
    import("prettier/standalone"),
    import("prettier/plugins/estree"),
    parser === "babel" ? import("prettier/plugins/babel") : import("prettier/plugins/typescript"),
  ]);
  return prettier.format(text, { ...PRETTIER, parser, plugins: [estree as Plugin, language as Plugin] });
}
