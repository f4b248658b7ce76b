// SimpleRNN: h = activation(x·K + h₋·R + b). One state, h.
import { CELLS, defineRecurrentLayer } from "./recurrent.js";

export const simpleRnnLayer = defineRecurrentLayer(
  CELLS.simple_rnn,
  "SimpleRNN",
  "A fully-connected recurrent layer (Keras `SimpleRNN`): `h = tanh(x·K + h·R + b)`. Input `[B,T,F]`; output `[B,u]`, or `[B,T,u]` with `seq=true`; `state=true` adds the final `h`. Params: `u(F+u)+u`.",
  ["simple_rnn", "SimpleRNN"],
);
