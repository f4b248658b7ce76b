// A model file's format, from its first bytes (never from its name): a zip is a Keras 3 `.keras`,
// HDF5 a legacy `.h5` or a `.weights.h5`, JSON a tfjs model.json or Keras JSON weights.
import { hasHdf5Magic } from "./hdf5.js";
import { hasZipMagic } from "./keras-zip.js";

export type SniffedFormat = "zip" | "hdf5" | "json" | "unknown";

export function sniffFormat(bytes: Uint8Array): SniffedFormat {
  if (hasZipMagic(bytes)) return "zip";
  if (hasHdf5Magic(bytes)) return "hdf5";
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; // a UTF-8 byte-order mark
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x7b || bytes[i] === 0x5b ? "json" : "unknown";
}

/** What a file of unknown format starts with, for the message that refuses it. */
export function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return "the file is empty";
  const shown = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" ");
  return `it starts with the bytes ${shown}`;
}
