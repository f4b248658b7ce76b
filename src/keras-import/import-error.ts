// What `rnnc import` refuses: always the file, the layer (a path into nested models and wrappers) and
// its Keras class, then why — never a silently different model.
import { echo, echoQuoted } from "../source/echo.js";
import { DataError } from "../types/tensor-data.js";

export interface LayerPlace {
  file: string;
  /** The layer's name, `Enc/enc_lstm` inside a nested model, `bi/forward_lstm` inside a wrapper. */
  layer: string;
  className: string;
}

export class ImportError extends DataError {
  constructor(
    readonly place: LayerPlace,
    problem: string,
  ) {
    super(`${place.file}: layer ${echoQuoted(place.layer)} (${echo(place.className)}): ${problem}.`);
  }
}
