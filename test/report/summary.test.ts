// `rnnc summary` keeps Keras's fixed-width table: a long cell wraps within its column as Keras 2's
// print_row wraps it (cut at the column's width less two spaces, earlier after a shape in a list),
// the other columns staying where they are.
import { describe, expect, it } from "vitest";
import { summaryTable } from "../../src/index.js";
import { summaryRow } from "../../src/report/summary.js";
import { modelOf } from "../helpers.js";

describe("summary wrapping", () => {
  it("keeps a row that fits on one line, its columns at 0, 34 and 68", () => {
    expect(summaryRow(["dense (Dense)", "(B, T, 40)", "5,160"])).toEqual([`${"dense (Dense)".padEnd(34)}${"(B, T, 40)".padEnd(34)}5,160`]);
  });

  it("puts each output of a multi-output layer on its own line, as Keras 2 does", () => {
    expect(summaryRow(["lstm (LSTM)", "[(B, S, 64), (B, 64), (B, 64)]", "24,832"])).toEqual([
      `${"lstm (LSTM)".padEnd(34)}${"[(B, S, 64),".padEnd(34)}24,832`,
      `${"".padEnd(34)} (B, 64),`,
      `${"".padEnd(34)} (B, 64)]`,
    ]);
  });

  it("cuts a long name or a long shape at the column's width, the rest below it", () => {
    const name = "a_layer_with_a_rather_long_name (Bidirectional)";
    const shape = "(BatchOfSentences, WordsPerSentence, 128)";
    const lines = summaryRow([name, shape, "1,234"]);
    expect(lines).toEqual([
      `${name.slice(0, 32).padEnd(34)}${shape.slice(0, 32).padEnd(34)}1,234`,
      `${name.slice(32).padEnd(34)}${shape.slice(32)}`,
    ]);
  });

  it("keeps every line of a model with long shapes within the table's 80 columns", () => {
    const model = modelOf(`model LongDims(sentences: [BatchOfSentences, WordsPerSentence, 32]) {
  steps, h, c = lstm(64, seq=true, state=true, name="encoder_lstm_with_a_long_descriptive_name")(sentences)
  return steps, h, c
}`);
    const table = summaryTable(model);
    for (const line of table.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    const lines = table.split("\n");
    const first = lines.findIndex((l) => l.startsWith("encoder_lstm"));
    expect(lines.slice(first, first + 3)).toEqual([
      `${"encoder_lstm_with_a_long_descrip".padEnd(34)}${"[(BatchOfSentences, WordsPerSent".padEnd(34)}24,832`,
      `${"tive_name (LSTM)".padEnd(34)}ence, 64),`,
      `${"".padEnd(34)} (BatchOfSentences, 64),`,
    ]);
    expect(lines[first + 3]).toBe(`${"".padEnd(34)} (BatchOfSentences, 64)]`);
  });
});
