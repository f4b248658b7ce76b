// The recurrent loop on projected inputs (x·K + b already computed for every step), run from the
// text recurrent-code.ts renders for the op and its batch and steps — the text the emitter writes
// into compiled modules. Each distinct text becomes a function once (`new Function`, cached); a plan
// binds it to its arena's buffers. See docs/decisions.md for the Content-Security-Policy this needs.
import { gateCount } from "../../../ir/cells.js";
import type { RecurrentOp } from "../../../ir/graph.js";
import { Arena } from "../wasm/arena.js";
import { activateInPlace, fastExp, hardSigmoid, hardSigmoid3 } from "./activations.js";
import type { RuntimeName } from "./js-code.js";
import { renderRecurrent, type RecurrentSite, type ScratchLength } from "./recurrent-code.js";

export interface RecurrentBuffers {
  /** [B, T, G·u]: x·K + input bias. */
  projected: Float32Array;
  /** [u, G·u]. */
  recurrentKernel: Float32Array;
  /** [G·u]: GRU reset_after's recurrent bias. */
  recurrentBias: Float32Array | undefined;
  /** [B, T]: 1 where the step is used. */
  mask: Uint8Array | undefined;
  h0: Float32Array | undefined;
  c0: Float32Array | undefined;
  /** [B, T, u] with returnSequences, else [B, u]; undefined when nobody reads it. */
  output: Float32Array | undefined;
  /** [B, u] final states; undefined when nobody reads them. */
  h: Float32Array | undefined;
  c: Float32Array | undefined;
}

/** What the rendered text may call, by the names it calls them. */
const RUNTIME: Partial<Record<RuntimeName, unknown>> = { fastExp, hardSigmoid, hardSigmoid3, activateInPlace };
const RUNTIME_NAMES = Object.keys(RUNTIME) as RuntimeName[];

/** The buffers' names in the text. */
const IO: readonly (keyof RecurrentBuffers)[] = ["projected", "recurrentKernel", "recurrentBias", "mask", "h0", "c0", "output", "h", "c"];
const NAME: Record<keyof RecurrentBuffers, string> = {
  projected: "projected",
  recurrentKernel: "recurrentKernel",
  recurrentBias: "recurrentBias",
  mask: "mask",
  h0: "initialH",
  c0: "initialC",
  output: "output",
  h: "finalH",
  c: "finalC",
};

type Factory = (...args: unknown[]) => () => void;
const compiled = new Map<string, Factory>();

/** One recurrent op for one batch and step count: its text, and the arena space it needs. */
export class RecurrentStep {
  private readonly scratch: { id: string; floats: number }[] = [];
  private readonly packedFloats: number[] = [];
  private readonly source: string;

  /** `present`: which optional buffers exist (the rest are absent or unread); `ownsProjection`: nothing else reads it. */
  constructor(op: RecurrentOp, batch: number, steps: number, present: ReadonlySet<keyof RecurrentBuffers>, ownsProjection: boolean) {
    const setup: string[] = [];
    const width = gateCount(op.cell) * op.units;
    const floats = (l: ScratchLength) => (l === "projection" ? batch * steps * width : "perSample" in l ? batch * l.perSample : l.floats);
    const name = (key: keyof RecurrentBuffers) => (present.has(key) ? NAME[key] : undefined);
    const site: RecurrentSite = {
      op,
      batch: String(batch),
      steps: String(steps),
      projected: NAME.projected,
      recurrentKernel: NAME.recurrentKernel,
      recurrentBias: name("recurrentBias"),
      mask: name("mask"),
      h0: name("h0"),
      c0: name("c0"),
      output: name("output"),
      h: name("h"),
      c: name("c"),
      ownsProjection,
      suffix: "",
    };
    const body = renderRecurrent(
      {
        rt: (name) => {
          if (!(name in RUNTIME)) throw new Error(`the recurrent step calls ${name}, which the CPU backend does not provide`);
          return `$${name}`;
        },
        scratch: (id, length) => {
          this.scratch.push({ id, floats: floats(length) });
          return id;
        },
        packed: (id, weight, k, n) => {
          this.packedFloats.push(Arena.packedFloats(k, n));
          setup.push(`const ${id} = arena.packStrips(${weight}, ${k}, ${n});`);
          return id;
        },
        setup,
      },
      site,
    );
    this.source = ['"use strict";', ...setup, "return () => {", ...body, "};"].join("\n");
  }

  /** The floats the step takes from the arena (scratch, then the packed kernels). */
  arenaFloats(): number[] {
    return [...this.scratch.map((s) => s.floats), ...this.packedFloats];
  }

  /** The step bound to a plan's buffers (its one-off work, laying out the kernel, done now). */
  instantiate(arena: Arena, io: RecurrentBuffers): () => void {
    const params = ["arena", ...RUNTIME_NAMES.map((n) => `$${n}`), ...this.scratch.map((s) => s.id), ...IO.map((k) => NAME[k])];
    const key = `${params.join(",")}\n${this.source}`;
    let factory = compiled.get(key);
    if (!factory) {
      try {
        factory = new Function(...params, this.source) as Factory;
      } catch (error) {
        if (!(error instanceof EvalError)) throw error;
        throw new Error(
          "rnnc: the CPU backend compiles its recurrent loop with new Function, which this page's Content-Security-Policy forbids: " +
            "allow 'unsafe-eval', or run the model as a module from `rnnc compile` (it evaluates nothing)",
        );
      }
      compiled.set(key, factory);
    }
    return factory(
      arena,
      ...RUNTIME_NAMES.map((n) => RUNTIME[n]),
      ...this.scratch.map((s) => arena.f32(s.floats)),
      ...IO.map((k) => io[k]),
    );
  }
}
