// Which names a model.json may give its shards. A shard path is URL-relative to the model.json (tfjs
// fetches it beside the file), so it must stay inside that folder however it is read: as written, or
// URL-decoded. No Node imports: the same rules hold where a browser fetches the shards.

/** A rule a shard name broke, for a message: "`../x.bin`: goes up out of the model's folder (`..`)". */
export class ShardNameError extends Error {}

/**
 * The shard file names to try, in order (as written, then URL-decoded when that differs), each a
 * relative path of plain segments joined by `/`. Throws a ShardNameError naming the rule broken by
 * either reading: an absolute path, a URL with a scheme or host, a `..` segment, a backslash, an empty
 * or control character, or percent-escapes that do not decode.
 */
export function shardNameCandidates(name: string): string[] {
  let decoded: string;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    throw new ShardNameError(`"${printable(name)}": its %-escapes do not decode (URL-encoded UTF-8 expected)`);
  }
  checkRelative(name, name);
  if (decoded !== name) checkRelative(decoded, name);
  return decoded === name ? [name] : [name, decoded];
}

function checkRelative(path: string, written: string): void {
  const shown = path === written ? `"${printable(written)}"` : `"${printable(written)}" (decoded "${printable(path)}")`;
  if (path === "") throw new ShardNameError(`${shown}: an empty shard name`);
  if (/[\u0000-\u001f\u007f]/.test(path)) throw new ShardNameError(`${shown}: a control character in a shard name`);
  if (path.includes("\\")) throw new ShardNameError(`${shown}: a backslash in a shard name (paths use "/")`);
  if (path.startsWith("/")) throw new ShardNameError(`${shown}: an absolute path; a shard must be inside the model's folder`);
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) {
    throw new ShardNameError(`${shown}: a URL or drive path; a shard must be a file inside the model's folder`);
  }
  for (const segment of path.split("/")) {
    if (segment === "..") throw new ShardNameError(`${shown}: goes up out of the model's folder ("..")`);
  }
}

/** At most 80 characters of a name, for a one-line message. */
function printable(name: string): string {
  const cut = name.length > 80 ? `${name.slice(0, 80)}…` : name;
  return cut.replace(/[\u0000-\u001f\u007f"\\]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
