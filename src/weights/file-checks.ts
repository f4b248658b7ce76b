// What a file rnnc reads may be refused for, and how messages name the problem, with no file access
// of its own: the bytes-level readers (a browser's fetched bytes) share it with the Node readers of
// file-access.ts.

/** The largest text file (source, JSON) rnnc reads: far above any real model, far below V8's string limit. */
export const MAX_TEXT_BYTES = 256 * 1024 * 1024;

/** Why a file was not read, without its name (the caller names it): "file not found", "is a FIFO, not a regular file". */
export class FileRefused extends Error {
  /** The system's error code when the system refused (ENOENT, EACCES…). */
  readonly code: string | undefined;
  constructor(message: string, cause?: unknown) {
    super(message);
    const code = (cause as { code?: unknown } | undefined)?.code;
    this.code = typeof code === "string" ? code : undefined;
  }
}

/** A shard found and checked, not yet read: its size is what the manifest is compared against. */
export interface Shard {
  readonly byteLength: number;
  read(): Uint8Array;
}

/** "file not found", "permission denied", or the JSON error: for messages about a file. */
export function fileProblem(e: unknown): string {
  if (e instanceof FileRefused) return e.message;
  const code = (e as { code?: unknown } | undefined)?.code;
  if (code === "ENOENT") return "file not found";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  if (code === "ENOTDIR") return "a part of the path is not a folder";
  if (code === "ELOOP") return "too many levels of symbolic links";
  if (e instanceof SyntaxError) return `invalid JSON: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * The offset where the first ill-formed UTF-8 sequence starts (overlong forms, surrogates, code
 * points above U+10FFFF and cut-off sequences are ill-formed), or -1 when there is none.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return i;
    }
    i += n + 1;
  }
  return -1;
}
