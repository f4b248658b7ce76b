// Formatting: the whole document through the project's formatter (formatRnn, prettier-based), as one
// edit. The formatter is loaded on the first request, so that starting the server does not load
// prettier. A file with syntax errors is left as it is: its diagnostics already say what is wrong.
import { LSPErrorCodes, ResponseError, type DocumentFormattingParams, type TextEdit } from "vscode-languageserver/node";
import type { CheckedDocument } from "./documents.js";

let formatter: Promise<typeof import("../format/index.js")> | undefined;

function loadFormatter(): Promise<typeof import("../format/index.js")> {
  formatter ??= import("../format/index.js").catch((error: unknown) => {
    formatter = undefined;
    throw error;
  });
  return formatter;
}

export async function formatting(doc: CheckedDocument, _params: DocumentFormattingParams): Promise<TextEdit[]> {
  const { formatRnn, RnnSyntaxError } = await loadFormatter();
  let formatted: string;
  try {
    formatted = await formatRnn(doc.text);
  } catch (error) {
    if (error instanceof RnnSyntaxError) return [];
    throw new ResponseError(LSPErrorCodes.RequestFailed, `rnnc: cannot format: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (formatted === doc.text) return [];
  return [{ range: doc.rangeOf(0, doc.text.length), newText: formatted }];
}
