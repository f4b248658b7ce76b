// The checker's resource guard. Lowering inlines every model call, so a few lines can stand for
// billions of layers (31 models each calling the next twice: 2^30). The checker counts each model's
// layer applications with its calls expanded — once per model, callees before callers, so counting
// is a sum — and how deep its calls nest, and reports past the limits on the call that crosses them.
// `check`, `run`, `compile` and the language server then agree: nothing past them is ever lowered.
import { Codes, type CatalogEntry } from "../source/catalog.js";
import type { Range } from "../source/range.js";
import type { ModelDecl } from "../syntax/ast.js";

/** Layer applications one model may expand to (its own, plus each call's expansion). */
export const MAX_APPLICATIONS = 5_000;

/** Layer applications of all a file's models, expanded: what `rnnc compile` builds for the file. */
export const MAX_FILE_APPLICATIONS = 20_000;

/** Models on one chain of calls (a model that calls nothing is 1 deep). Lowering and weight binding recurse this deep. */
export const MAX_MODEL_DEPTH = 100;

type Report = (entry: CatalogEntry, range: Range, message: string) => void;

interface ModelTally {
  /** Layer applications with every model call expanded. */
  applications: number;
  /** The longest chain of calls from this model, itself included. */
  depth: number;
  /** Reported once per model: what follows a crossing would only repeat it. */
  reported: boolean;
}

export class ApplicationBudget {
  private readonly tallies = new Map<ModelDecl, ModelTally>();
  /** Every model's applications so far, expanded. */
  private fileApplications = 0;
  private fileReported = false;

  constructor(private readonly report: Report) {}

  /** One application of a layer in `model`. */
  layer(model: ModelDecl, range: Range): void {
    const tally = this.tally(model);
    tally.applications++;
    if (tally.applications > MAX_APPLICATIONS && !tally.reported) {
      tally.reported = true;
      this.report(
        Codes.TooManyApplications,
        range,
        `${model.name.name} applies more than ${count(MAX_APPLICATIONS)} layers (model calls expanded), rnnc's limit per model; split it into models run one after another.`,
      );
      return;
    }
    this.addToFile(model, tally, 1, range);
  }

  /** A call of `callee` (checked, so its tally is final) from `model`. */
  call(model: ModelDecl, callee: ModelDecl, range: Range): void {
    const tally = this.tally(model);
    const inner = this.tally(callee);
    // Past a limit in the callee is past it here too: said once, where it happens, not again in every caller.
    if (inner.reported) tally.reported = true;
    if (tally.reported) return;
    if (inner.depth + 1 > MAX_MODEL_DEPTH) {
      tally.reported = true;
      this.report(
        Codes.ModelsNestedTooDeep,
        range,
        `Model calls nest ${inner.depth + 1} deep here: ${model.name.name} calls ${callee.name.name}, a chain of ${inner.depth} models; rnnc inlines calls at most ${MAX_MODEL_DEPTH} deep. Call some of these models one after another instead of each inside the next.`,
      );
      return;
    }
    tally.depth = Math.max(tally.depth, inner.depth + 1);
    tally.applications += inner.applications;
    if (tally.applications > MAX_APPLICATIONS) {
      tally.reported = true;
      this.report(
        Codes.TooManyApplications,
        range,
        `With this call, ${model.name.name} expands to ${count(tally.applications)} layer applications, past rnnc's limit of ${count(MAX_APPLICATIONS)} per model: every model call is inlined, and ${callee.name.name} alone is ${count(inner.applications)}. Call it once and reuse its result, or run the models one after another.`,
      );
      return;
    }
    this.addToFile(model, tally, inner.applications, range);
  }

  /** Adds to the file's total; past its limit, reports once, at the application or call that crosses it. */
  private addToFile(model: ModelDecl, tally: ModelTally, applications: number, range: Range): void {
    this.fileApplications += applications;
    if (this.fileApplications <= MAX_FILE_APPLICATIONS || this.fileReported) return;
    this.fileReported = tally.reported = true;
    this.report(
      Codes.TooManyApplications,
      range,
      `With this ${applications === 1 ? "layer" : "call"}, the models of this file expand to ${count(this.fileApplications)} layer applications in all, past rnnc's limit of ${count(MAX_FILE_APPLICATIONS)} per file (rnnc compile builds every model, each call inlined); move ${model.name.name} or others to a file of their own.`,
    );
  }

  private tally(model: ModelDecl): ModelTally {
    let tally = this.tallies.get(model);
    if (!tally) {
      tally = { applications: 0, depth: 1, reported: false };
      this.tallies.set(model, tally);
    }
    return tally;
  }
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}
