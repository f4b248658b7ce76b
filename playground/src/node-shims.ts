// What the library's Node-only corners import from `node:*`, for the browser bundle only (the
// playground's build maps every `node:` import here). Temporary: the browser-build work moves
// file reading into a Node-only entry, and then this file goes. Nothing here is reached by what the
// playground calls (check, loadModel, weightsFromBytes, exportOnnx, compileModule): the file-system
// functions throw a clear error if something ever does.
function nodeOnly(name: string): never {
  throw new Error(`${name} is not available in the browser (rnnc reads files only in Node)`);
}

/** node:os — the memory budget is half of this; a browser reports at most 8 GiB as deviceMemory. */
export function totalmem(): number {
  const gib = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory ?? 4;
  return gib * 2 ** 30;
}

/** node:buffer */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** node:fs */
export const constants = { O_RDONLY: 0, O_NOFOLLOW: 0 };
export const openSync = (): never => nodeOnly("openSync");
export const closeSync = (): never => nodeOnly("closeSync");
export const fstatSync = (): never => nodeOnly("fstatSync");
export const readSync = (): never => nodeOnly("readSync");
export const realpathSync = (): never => nodeOnly("realpathSync");

/** node:path */
export const sep = "/";
export const join = (...parts: string[]): string => parts.join("/");
export const dirname = (path: string): string => path.replace(/\/[^/]*$/, "") || "/";
export const resolve = (...parts: string[]): string => parts.join("/");

/** node:url */
export const fileURLToPath = (url: string): string => url;
