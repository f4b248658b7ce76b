// The public API: what the CLI, the language server and users' code call. Everything here runs in a
// browser as in Node (no Node API is reachable from this file: test/browser/bundle.test.ts bundles it
// for the web). What reads files, and Node's defaults (the machine's memory, a tree-shaken compiled
// runtime), are added by the Node entry, src/node.ts (`rnnc/node`; `rnnc` in Node).
import { checkFile, checkFileSteps } from "./check/checker.js";
import type { CheckedFile } from "./check/program.js";
import { shapesReport, type ShapesReport } from "./report/shapes.js";
import { parse, parseSteps } from "./syntax/parse.js";

export { parse, type ParseResult, type Comment, MAX_SOURCE_LENGTH, MAX_TOKENS } from "./syntax/parse.js";
export { checkFile } from "./check/checker.js";
export type { Binding, CheckedFile, CheckedModel, LayerRow, ModelRow } from "./check/program.js";
export { isLayerRow } from "./check/program.js";
export type { Diagnostic, Fix, TextEdit, Severity } from "./source/diagnostic.js";
export { Codes, catalogEntry, type CatalogEntry, type DiagnosticTagName } from "./source/catalog.js";
export { LineIndex, type Position, type Range } from "./source/range.js";
export type * as Ast from "./syntax/ast.js";
export { formatType, formatKerasShape, type Type, type TensorType, type Dim, type DType } from "./types/types.js";
export { LAYERS, findLayer, layerNames } from "./layers/registry.js";
export type { LayerDefinition, LayerInstance, ParamSpec, WeightSpec } from "./layers/layer.js";
export { ACTIVATIONS } from "./types/activations.js";
export { EDITION_DOCS, type Edition } from "./types/edition.js";
export { INITIALIZERS } from "./layers/initializers.js";
export { CONSTRAINTS, REGULARIZERS } from "./layers/training-only.js";
export { shapesReport, type ShapesReport } from "./report/shapes.js";
export { summaryTable } from "./report/summary.js";
export { outputsText, tensorText } from "./report/tensor-text.js";
export { modelGraph, GraphError, type ModelGraph, type GraphNode, type GraphEdge, type GraphCluster } from "./graph/model-graph.js";
export { graphToDot } from "./graph/dot.js";
export { graphToMermaid } from "./graph/mermaid.js";
export { graphToSvg, renderGraphSvg } from "./graph/svg.js";
export {
  loadModel,
  type LoadOptions,
  type OrtLoadOptions,
  type RunnableModel,
  type AsyncRunnableModel,
  type Engine,
  type EngineChoice,
} from "./lower/load-model.js";
export { COSTS as ENGINE_COSTS, chooseEngine, estimateFlops, type EngineCost } from "./lower/engine-choice.js";
export type { OrtModule, OrtSession, OrtTensor, OrtSessionOptions } from "./backends/ort/ort-module.js";
export { TfjsBackend } from "./backends/tfjs/executor.js";
export type { TfjsCore, TfjsOps, TfTensor, TfDType } from "./backends/tfjs/tfjs-core.js";
export type { TensorInput, NestedArray } from "./ir/inputs.js";
export { DataError, type TensorData, type WeightSet } from "./types/tensor-data.js";
export {
  readModelFile,
  weightsFromBytes,
  parseKerasWeights,
  parseTfjsModel,
  type ModelFile,
  type WeightsOptions,
} from "./weights/model-bytes.js";
export type { ShardOpener } from "./weights/tfjs-model.js";
export type { Shard } from "./weights/file-checks.js";
export type { KerasModel, KerasLayer, LayerCall, TensorRef, ModelFileInfo } from "./model-files/keras-config.js";
export type { ModelStructure, StructureLayer } from "./model-files/structure.js";
export { kerasStructure } from "./lower/keras-structure.js";
export { compileModule, type CompileOptions, type CompiledModule } from "./emit/compile.js";
export { exportOnnx, type ExportOptions } from "./lower/export-onnx.js";
export { exportKeras, type KerasExportOptions } from "./keras-export/export.js";
export { importModel, type ImportResult } from "./keras-import/import.js";
export { weightsJson } from "./keras-import/weights-json.js";

export { formatRnn, formatRnnSync, rnnPlugin, RnnSyntaxError, PRINT_WIDTH } from "./format/index.js";

/** Parses and checks a source text: every diagnostic, and the type of everything. */
export function check(text: string): CheckedFile {
  return checkFile(parse(text));
}

/** `rnnc shapes --json`'s report of a source text: every binding's type, the outputs, each layer's params (of `model` only, if given). */
export function shapes(text: string, model?: string): ShapesReport {
  return shapesReport(check(text), model);
}

/**
 * `check`, in slices: each `next()` does a bounded part of the work (a piece of a long text, a model,
 * a few hundred statements) and the last returns the result. For a caller that must stay responsive
 * (the language server) or be able to stop.
 */
export function* checkSteps(text: string): Generator<void, CheckedFile> {
  const parsed = yield* parseSteps(text);
  return yield* checkFileSteps(parsed);
}
