// The file's Keras edition: its first statement `keras 2` / `keras 3`, else keras 2. An edition
// elsewhere (RNN081) or of another number (RNN080) is reported and does not count.
import { Messages, type Message } from "../source/catalog.js";
import type { Fix } from "../source/diagnostic.js";
import type { Range } from "../source/range.js";
import type { EditionDecl, File } from "../syntax/ast.js";
import { DEFAULT_EDITION, type Edition } from "../types/edition.js";

type Say = <A>(message: Message<A>, range: Range, args: A, extra?: { fix?: Fix }) => void;

export function fileEdition(file: File, say: Say): Edition {
  const firstModel = file.models[0];
  let edition: Edition | undefined;
  file.editions.forEach((decl, i) => {
    const value = editionValue(decl, say);
    const afterModel = firstModel && firstModel.range.start.offset < decl.range.start.offset;
    if (i > 0 || afterModel) {
      const after = i > 0 ? `the edition on line ${file.editions[0]!.range.start.line + 1}` : `model ${firstModel!.name.name}`;
      say(Messages.editionNotFirst, decl.range, { after, duplicate: i > 0 }, i === 0 && value ? { fix: moveToTop(decl, value) } : {});
    } else {
      edition = value;
    }
  });
  return edition ?? DEFAULT_EDITION;
}

/** 2 or 3, or undefined when the number is missing (a syntax error) or not an edition (reported). */
function editionValue(decl: EditionDecl, say: Say): Edition | undefined {
  const number = decl.number;
  if (!number) return undefined;
  if (number.value === 2 || number.value === 3) return number.value;
  const nearest = number.value < 2.5 ? 2 : 3;
  const fix = { title: `Write keras ${nearest}`, edits: [{ range: number.range, newText: String(nearest) }] };
  say(Messages.unknownEdition, number.range, { found: number.text, nearest }, { fix });
  return undefined;
}

function moveToTop(decl: EditionDecl, value: Edition): Fix {
  const top = { line: 0, character: 0, offset: 0 };
  return {
    title: `Move keras ${value} to the top of the file`,
    edits: [
      { range: { start: top, end: top }, newText: `keras ${value}\n\n` },
      { range: decl.range, newText: "" },
    ],
  };
}
