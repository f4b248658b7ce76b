import { check } from "../src/index.js";
const srcs = [
`keras 3
model M(x: [2, 5, 3]) {
  lstm = lstm(4, seq=true)(x)
  lstm_1 = lstm(4)(lstm)
  return lstm_1
}`,
`model M(x: [2, 5, 3]) {
  rec, rec_h = gru(4, state=true)(x)
  enc = lstm(4, seq=true)
  a = enc(x)
  b = enc(x)
  return rec, a, b
}`,
];
for (const s of srcs) {
  const c = check(s);
  console.log(c.diagnostics.map((d) => d.severity + " " + d.message));
  for (const m of c.models ?? []) console.log(Object.keys(m));
}
