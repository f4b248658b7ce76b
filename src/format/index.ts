// Formatting .rnn source: the prettier plugin and two ways to call it.
import { format } from "prettier";
import plugin, { parseRoot } from "./plugin.js";
import { layout, printRoot } from "./print.js";

export { default as rnnPlugin, RnnSyntaxError } from "./plugin.js";
export { PRINT_WIDTH } from "./print.js";

/**
 * `text` in the .rnn style, through prettier with the plugin. Rejects with an RnnSyntaxError (its
 * `diagnostics` are the parser's) when the text has syntax errors.
 */
export async function formatRnn(text: string): Promise<string> {
  return format(text, { parser: "rnn", plugins: [plugin] });
}

/**
 * The same as formatRnn, synchronously (for the command line): prettier's own steps around the
 * printer — a byte-order mark kept, line ends normalised to `\n`, a blank text printed as "" —
 * then the same printer and layout. The tests check that the two agree.
 */
export function formatRnnSync(text: string): string {
  const bom = text.startsWith("\uFEFF");
  const body = (bom ? text.slice(1) : text).replace(/\r\n?/g, "\n");
  const formatted = body.trim().length === 0 ? "" : layout(printRoot(parseRoot(body)));
  return bom ? `\uFEFF${formatted}` : formatted;
}
