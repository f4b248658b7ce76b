// The source in the URL's hash, so a model can be shared as a link (LANGUAGE.md §8): `#code=` and
// the UTF-8 bytes of the source in base64url, without padding.
const PREFIX = "#code=";

export function encodeSource(source: string): string {
  const bytes = new TextEncoder().encode(source);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return PREFIX + btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The source a hash holds; undefined when it holds none or is not valid base64url of UTF-8. */
export function decodeSource(hash: string): string | undefined {
  if (!hash.startsWith(PREFIX)) return undefined;
  const text = hash.slice(PREFIX.length).replace(/-/g, "+").replace(/_/g, "/");
  try {
    const binary = atob(text + "=".repeat((4 - (text.length % 4)) % 4));
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}
