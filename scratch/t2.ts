import { check } from "../src/index.js";
const c = check(`model M(x: [2, 5, 3]) {
  rec, rec_h = gru(4, state=true)(x)
  enc = lstm(4, seq=true)
  a = enc(x)
  b = enc(x)
  d = dense(3)(b)
  return rec, a, b, d
}`);
console.log(c.diagnostics.map((d) => d.severity + " " + d.message));
for (const l of c.layers.values()) console.log(l.name, l.boundName, l.explicitName);
