// Writes the grammar documents generated from the parser: `npm run grammar`.
// test/syntax/grammar.test.ts fails when the committed files differ from what this writes.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { grammarEbnf, offlineDiagramsHtml } from "./grammar.js";

const grammarDir = fileURLToPath(new URL("../grammar/", import.meta.url));
writeFileSync(`${grammarDir}rnn.ebnf`, grammarEbnf());
writeFileSync(`${grammarDir}diagrams.html`, offlineDiagramsHtml());
console.log(`wrote ${grammarDir}rnn.ebnf and ${grammarDir}diagrams.html`);
