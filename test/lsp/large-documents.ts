// Large generated .rnn documents, for the scaling tests and measurements: the two shapes a big file
// takes — many small models, or one model of many statements. Every statement checks clean.

/** `models` models of `perModel` bindings each (plus their header, return and closing lines). */
export function manyModels(models: number, perModel = 3): string {
  const out: string[] = [];
  for (let m = 0; m < models; m++) {
    out.push(`model M${m}(x: [B, T, 8]) {`);
    let prev = "x";
    for (let s = 0; s < perModel; s++) {
      out.push(`  h${s} = dense(8)(${prev})`);
      prev = `h${s}`;
    }
    out.push(`  return ${prev}`, "}", "");
  }
  return out.join("\n");
}

/** One model of `statements` bindings, each reading the one before it. */
export function oneModel(statements: number): string {
  const out = ["model Big(x: [B, T, 8]) {"];
  let prev = "x";
  for (let s = 0; s < statements; s++) {
    out.push(`  h${s} = dense(8)(${prev})`);
    prev = `h${s}`;
  }
  out.push(`  return ${prev}`, "}", "");
  return out.join("\n");
}
