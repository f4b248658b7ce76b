// Node file access for everything rnnc reads: only regular files (a FIFO would block forever, a
// device like /dev/zero never ends), opened non-blocking, their size known from fstat before a byte
// is read. A model folder's shards must also resolve, after URL-decoding and realpath, inside the
// folder of the model.json that names them (the name rules are in shard-names.ts).
import { isUtf8 } from "node:buffer";
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileProblem, FileRefused, firstInvalidUtf8, MAX_TEXT_BYTES, type Shard } from "./file-checks.js";
import { shardNameCandidates } from "./shard-names.js";

export { fileProblem, FileRefused, firstInvalidUtf8, MAX_TEXT_BYTES, type Shard } from "./file-checks.js";

/**
 * The bytes of a regular file, at most `maxBytes` of them (a larger file is refused before it is
 * read). Anything else — a directory, FIFO, socket or device — is refused without reading.
 */
export function readRegularFile(path: string, maxBytes: number = MAX_TEXT_BYTES): Buffer {
  const fd = openRegular(path);
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw new FileRefused(`is ${size} bytes, more than rnnc reads (${maxBytes})`);
    return readExactly(fd, size);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens the shards a model.json names, confined to the model.json's folder: each name must pass the
 * name rules, resolve (symlinks followed) inside that folder, and be a regular file.
 */
export function confinedShards(modelJsonPath: string): (name: string) => Shard {
  let root: string | undefined;
  // A file named twice (by one name, another, or a hard link) would let a small folder claim any
  // amount of weights: tfjs writes each shard once.
  const seen = new Map<string, string>();
  return (name) => {
    root ??= realpathOrRefuse(dirname(modelJsonPath), "the model's folder");
    const candidates = shardNameCandidates(name);
    let found: string | undefined;
    let firstProblem: unknown;
    for (const candidate of candidates) {
      try {
        found = realpathSync(join(root, candidate));
        break;
      } catch (error) {
        firstProblem ??= error;
      }
    }
    if (found === undefined) throw new FileRefused(fileProblem(firstProblem), firstProblem);
    if (!found.startsWith(root.endsWith(sep) ? root : root + sep)) {
      throw new FileRefused(`resolves to ${found}, outside the model's folder ${root} (a symlink out of it?)`);
    }
    const fd = openRegular(found, true);
    let stats: Stats;
    try {
      stats = fstatSync(fd);
    } finally {
      closeSync(fd);
    }
    const identity = `${stats.dev}:${stats.ino}`;
    const before = seen.get(identity);
    if (before !== undefined) throw new FileRefused(`is the same file as shard "${before}": a shard is listed once`);
    seen.set(identity, name);
    const byteLength = stats.size;
    const path = found;
    return {
      byteLength,
      read() {
        const again = openRegular(path, true);
        try {
          const size = fstatSync(again).size;
          if (size !== byteLength) throw new FileRefused(`changed size while being read (${byteLength} → ${size} bytes)`);
          return readExactly(again, size);
        } finally {
          closeSync(again);
        }
      },
    };
  };
}

function realpathOrRefuse(path: string, what: string): string {
  try {
    return realpathSync(path);
  } catch (error) {
    throw new FileRefused(`${what} ${path}: ${fileProblem(error)}`);
  }
}

/**
 * Opens a regular file for reading without ever blocking; anything else is refused and closed.
 * `resolved`: the path is a realpath already, so its last part must not have become a symlink since.
 */
function openRegular(path: string, resolved = false): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (resolved ? (constants.O_NOFOLLOW ?? 0) : 0));
  } catch (error) {
    throw new FileRefused(fileProblem(error), error);
  }
  let stats: Stats;
  try {
    stats = fstatSync(fd);
  } catch (error) {
    closeSync(fd);
    throw new FileRefused(fileProblem(error));
  }
  if (!stats.isFile()) {
    closeSync(fd);
    throw new FileRefused(`is ${kindOf(stats)}, not a regular file`);
  }
  return fd;
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return "not a file";
}

/** Exactly `size` bytes from the start of `fd`; a file that ends sooner is refused. */
function readExactly(fd: number, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  while (at < size) {
    const n = readSync(fd, out, at, size - at, at);
    if (n === 0) throw new FileRefused(`ended after ${at} of its ${size} bytes (it changed while being read)`);
    at += n;
  }
  return out;
}

/** A regular file's text, which must be valid UTF-8 (a byte-order mark is kept: `fmt` writes it back). */
export function readUtf8File(path: string, maxBytes: number = MAX_TEXT_BYTES): string {
  const bytes = readRegularFile(path, maxBytes);
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    throw new FileRefused(`is not valid UTF-8 (byte 0x${bytes[at]!.toString(16).padStart(2, "0")} at offset ${at})`);
  }
  return bytes.toString("utf8");
}
