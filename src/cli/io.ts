// Reading source files and writing output, with errors that name the file and never show a stack.
import { randomBytes } from "node:crypto";
import { chmodSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { WeightSet } from "../types/tensor-data.js";
import type { ModelStructure } from "../model-files/structure.js";
import { sniffFormat } from "../model-files/sniff.js";
import { confinedShards, fileProblem, firstInvalidUtf8, readRegularFile, readUtf8File } from "../weights/file-access.js";
import { MAX_WEIGHTS_FILE_BYTES, readModelFile } from "../weights/read.js";
import { UsageError } from "./args.js";

export class UnreadableFile extends Error {}

/**
 * A file the user named, as text: only a regular file (never a FIFO or a device, which could block
 * or never end), of bounded size, that is valid UTF-8. A byte-order mark is kept (the parser skips
 * it; `fmt` writes it back). Anything else is an UnreadableFile naming the file and why (exit 2).
 */
export function readSource(path: string): string {
  try {
    return readUtf8File(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : fileProblem(error);
    throw new UnreadableFile(`rnnc: cannot read ${path}: ${reason}`);
  }
}

/** A weights or model file the user named, as bytes (regular files only, bounded): unreadable is an UnreadableFile (exit 2). */
export function readModelBytes(path: string): Uint8Array {
  try {
    return readRegularFile(path, MAX_WEIGHTS_FILE_BYTES);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : fileProblem(error);
    throw new UnreadableFile(`rnnc: cannot read ${path}: ${reason}`);
  }
}

/**
 * `--weights FILE`: read as any file the user named (unreadable: an UnreadableFile, exit 2), then
 * parsed whatever its format (a DataError, exit 1). The file is read once. `structure`: the model
 * run, for a `.weights.h5`, whose weights are keyed by class and position only.
 */
export function readWeightsFlag(path: string | undefined, structure?: () => ModelStructure | undefined): WeightSet | undefined {
  if (path === undefined) return undefined;
  const bytes = readModelBytes(path);
  // A text file (not a zip or HDF5 model file) must be UTF-8, as every file rnnc reads as text: exit 2.
  const format = sniffFormat(bytes);
  const bad = format === "zip" || format === "hdf5" ? -1 : firstInvalidUtf8(bytes);
  if (bad >= 0) {
    throw new UnreadableFile(
      `rnnc: cannot read ${path}: is not valid UTF-8 (byte 0x${bytes[bad]!.toString(16).padStart(2, "0")} at offset ${bad})`,
    );
  }
  const model = structure?.();
  return readModelFile(bytes, { source: path, openShard: confinedShards(path), ...(model ? { structure: model } : {}) }).weights;
}

/**
 * Replaces a file's contents without ever leaving it half-written: the text goes to a temporary
 * file beside it, which is renamed over it (atomic on one file system). The file keeps its mode; a
 * symlink keeps pointing where it did, and the file it points to is the one rewritten.
 */
export function replaceFile(path: string, text: string): void {
  const target = realpathSync(path);
  const mode = statSync(target).mode & 0o7777;
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString("hex")}.rnnc-tmp`);
  try {
    writeFileSync(temp, text, { flag: "wx", mode });
    chmodSync(temp, mode); // the umask may have narrowed the mode writeFileSync set
    renameSync(temp, target);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // it was never created, or was renamed already
    }
    throw error;
  }
}

/** For commands over several files: the text, or undefined after reporting an unreadable file (one line). */
export function readSourceOrReport(path: string): string | undefined {
  try {
    return readSource(path);
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    process.stderr.write(`${error.message}\n`);
    return undefined;
  }
}

export function requireOneFile(positional: readonly string[], command: string): string {
  if (positional.length !== 1) throw new UsageError(`rnnc ${command}: expected one FILE, got ${positional.length}`);
  return positional[0]!;
}

/** Whether to colour output: only on a terminal, and never when NO_COLOR is set. */
export function useColour(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && process.env["NO_COLOR"] === undefined;
}
