// What the browser tests serve and how: in-memory files on 127.0.0.1 (nothing else answers), and
// esbuild's options for code bundled as a web app's bundler would.
import { createServer, type OutgoingHttpHeaders, type Server } from "node:http";
import type { BuildOptions } from "esbuild";

/** An ES module bundle for the browser, returned in memory. */
export const BROWSER_BUNDLE = {
  bundle: true,
  platform: "browser",
  format: "esm",
  target: "es2022",
  write: false,
  logLevel: "silent",
} as const satisfies BuildOptions;

/** Serves `files` by path, nothing else, on 127.0.0.1, each response with `headers` too. */
export function serve(
  files: Record<string, { type: string; body: string }>,
  headers: OutgoingHttpHeaders = {},
): Promise<{ server: Server; origin: string }> {
  const s = createServer((request, response) => {
    const file = files[new URL(request.url ?? "/", "http://x").pathname];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { "content-type": file.type, ...headers }).end(file.body);
  });
  return new Promise((resolve) =>
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      resolve({ server: s, origin: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` });
    }),
  );
}
