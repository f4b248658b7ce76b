// GRU: gates z (update), r (reset), h (candidate); h = z·h₋ + (1−z)·ĥ. One state, h.
import { CELLS, defineRecurrentLayer } from "./recurrent.js";

export const gruLayer = defineRecurrentLayer(
  CELLS.gru,
  "GRU",
  "A gated recurrent unit (Keras `GRU`), gates z, r, h. Input `[B,T,F]`; output `[B,u]`, or `[B,T,u]` with `seq=true`; `state=true` adds the final `h`. Params: `3u(F+u)+6u` with `reset_after=true` (Keras's default), `+3u` without.",
  ["GRU"],
);
