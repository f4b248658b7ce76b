// Writes the grammar documents generated from the parser: `npm run grammar`.
// test/syntax/grammar.test.ts fails when the committed files differ from what this writes.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { grammarDiagramsHtml, grammarEbnf } from "../src/syntax/grammar-docs.js";

const grammarDir = fileURLToPath(new URL("../grammar/", import.meta.url));
writeFileSync(`${grammarDir}rnn.ebnf`, grammarEbnf());
writeFileSync(`${grammarDir}diagrams.html`, grammarDiagramsHtml());
console.log(`wrote ${grammarDir}rnn.ebnf and ${grammarDir}diagrams.html`);
