// HDF5, read with jsfive (pure JavaScript, no Node API: it reads an ArrayBuffer in a browser too).
// A file from a stranger is read within bounds: every dataset's declared size is checked against
// the file's own size before jsfive is asked for its values, compressed datasets (Keras writes none)
// are refused so no filter can inflate past that bound, and every jsfive failure becomes a DataError
// naming the file and the HDF5 path.
import { Dataset, File, Group } from "jsfive";
import { DataError, formatShape, sizeOf } from "../types/tensor-data.js";

/** The 8 bytes every HDF5 file starts with (at offset 0 when it has no user block). */
export const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a] as const;

/** Groups nested deeper than this are not walked: it bounds the recursion over a crafted file. */
export const MAX_HDF5_DEPTH = 32;

/** Bytes per element of the numeric dtypes weights come in, by jsfive's numpy-style dtype string. */
const ITEM_SIZES: Record<string, number> = { f2: 2, f4: 4, f8: 8, i1: 1, u1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8, u8: 8 };

/** An opened HDF5 file: groups, attributes and float datasets by path, each failure naming `source`. */
export class Hdf5File {
  private readonly file: File;

  private constructor(
    file: File,
    readonly source: string,
    readonly byteLength: number,
  ) {
    this.file = file;
  }

  static open(bytes: Uint8Array, source: string): Hdf5File {
    if (!hasHdf5Magic(bytes)) throw new DataError(`${source}: not an HDF5 file (it does not start with the HDF5 signature).`);
    // jsfive reads the buffer from its start: hand it exactly these bytes, not a larger backing buffer.
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const file = guard(source, "the file's header", () => new File(buffer, source));
    return new Hdf5File(file, source, bytes.byteLength);
  }

  /** The group at `path` ("" or "/" is the root), or undefined when there is none (or it is a dataset). */
  group(path: string): Group | undefined {
    const node = this.child(this.file, path);
    return node instanceof Group ? node : undefined;
  }

  /** The names in a group, in the order the file lists them. */
  keys(group: Group): string[] {
    return guard(this.source, group.name, () => [...group.keys]);
  }

  /** What `path` (`name` or `a/b/name`) below `group` is: a group, a dataset, or undefined. */
  child(group: Group, path: string): Group | Dataset | undefined {
    let node: Group | Dataset | undefined = group;
    for (const name of path.split("/").filter((p) => p !== "")) {
      if (!(node instanceof Group)) return undefined;
      const parent: Group = node;
      if (!this.keys(parent).includes(name)) return undefined; // jsfive throws on a missing name
      node = guard(this.source, joinPath(parent.name, name), () => parent.get(name)) ?? undefined;
    }
    return node;
  }

  /** An attribute of a group or dataset, decoded by jsfive (strings as strings, arrays as arrays). */
  attribute(node: Group | Dataset, name: string): unknown {
    const attrs = guard(this.source, `${node.name} (its attributes)`, () => node.attrs);
    return Object.hasOwn(attrs, name) ? attrs[name] : undefined;
  }

  /**
   * A numeric dataset's values as float32, with its shape. `what` names it for messages (a layer and
   * its weight). The declared size is checked against the file's before anything is read.
   */
  floats(dataset: Dataset, what: string): { shape: number[]; data: Float32Array } {
    const where = `${this.source}: ${what} (HDF5 dataset ${dataset.name})`;
    const shape = guard(this.source, dataset.name, () => [...dataset.shape]);
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw new DataError(`${where}: its shape ${formatShape(shape)} is not valid.`);
    const dtype = guard(this.source, dataset.name, () => dataset.dtype);
    const item = typeof dtype === "string" ? ITEM_SIZES[dtype.replace(/^[<>=|!]/, "")] : undefined;
    if (item === undefined || !/^[<>=|!]?[fiu]\d$/.test(dtype as string)) {
      throw new DataError(`${where}: holds ${describeDtype(dtype)}, not numbers; a weight must be a float array.`);
    }
    const declared = sizeOf(shape) * item;
    if (declared > this.byteLength) {
      throw new DataError(
        `${where}: declares ${formatShape(shape)} (${declared} bytes) in a file of ${this.byteLength} bytes: the file is truncated or its header lies.`,
      );
    }
    const filters = guard(this.source, dataset.name, () => dataset._dataobjects.filter_pipeline);
    if (filters !== null && filters !== undefined && filters.length > 0) {
      throw new DataError(
        `${where}: is compressed (an HDF5 filter pipeline); Keras writes weights uncompressed, and rnnc reads only those.`,
      );
    }
    const values: unknown = guard(this.source, dataset.name, () => dataset.value);
    if (typeof values !== "object" || values === null || typeof (values as ArrayLike<unknown>).length !== "number") {
      throw new DataError(`${where}: its storage layout is not one rnnc reads (Keras writes contiguous datasets).`);
    }
    if ((values as ArrayLike<unknown>).length !== sizeOf(shape)) {
      throw new DataError(
        `${where}: holds ${(values as ArrayLike<unknown>).length} values for shape ${formatShape(shape)}: the dataset is incomplete.`,
      );
    }
    const items = values as ArrayLike<number | bigint>;
    const data = new Float32Array(items.length);
    for (let i = 0; i < data.length; i++) {
      const v = Number(items[i]);
      if (!Number.isFinite(v)) throw new DataError(`${where}: element ${i} is ${v}; weights must be finite.`);
      data[i] = v;
    }
    return { shape, data };
  }
}

export { Dataset as Hdf5Dataset, Group as Hdf5Group };

function joinPath(group: string, name: string): string {
  return group.endsWith("/") ? group + name : `${group}/${name}`;
}

export function hasHdf5Magic(bytes: Uint8Array): boolean {
  return bytes.length >= HDF5_MAGIC.length && HDF5_MAGIC.every((b, i) => bytes[i] === b);
}

/** jsfive throws strings, Errors and RangeErrors (a read past the end): one DataError naming the file and the place. */
function guard<T>(source: string, place: string, read: () => T): T {
  // jsfive reports some problems on the console (an attribute type it cannot read, a 64-bit value out
  // of range) and goes on: its words would land on rnnc's stderr, and a file's bytes with them.
  const { log, warn } = console;
  console.log = console.warn = () => {};
  try {
    return read();
  } catch (error) {
    if (error instanceof DataError) throw error;
    const reason = error instanceof RangeError ? "reads past the end of the file (truncated or corrupt)" : errorText(error);
    throw new DataError(`${source}: cannot read HDF5 ${place}: ${reason}.`);
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split("\n")[0]!.trim();
  return line === "" ? "the file is corrupt" : line.length > 160 ? `${line.slice(0, 160)}…` : line;
}

function describeDtype(dtype: unknown): string {
  if (typeof dtype === "string") return `dtype ${dtype}`;
  if (Array.isArray(dtype) && typeof dtype[0] === "string") return `${dtype[0].toLowerCase().replace(/_/g, " ")} data`;
  return "data of an unknown type";
}
