// LSTM: gates i, f, c (candidate), o; c = f·c₋ + i·g, h = o·tanh(c). Two states, h and c.
import { CELLS, defineRecurrentLayer } from "./recurrent.js";

export const lstmLayer = defineRecurrentLayer(
  CELLS.lstm,
  "LSTM",
  "Long short-term memory (Keras `LSTM`), gates i, f, c, o. Input `[B,T,F]`; output `[B,u]`, or `[B,T,u]` with `seq=true`; `state=true` adds the final `h` and `c`. Params: `4(u(F+u)+u)`.",
  ["LSTM"],
);
