// A tiny static file server for the built playground, on 127.0.0.1 only: `npm run playground`
// builds and serves it (`-- --port N`, default 8080; 0 picks a free port). The tests start it
// in-process with serveStatic(dir, 0).
import { createReadStream, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** Serves `dir` on 127.0.0.1:`port`; resolves to the server and its URL once listening. */
export function serveStatic(dir: string, port: number): Promise<{ server: Server; url: string }> {
  const root = resolve(dir);
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://127.0.0.1").pathname);
    let file = normalize(join(root, path));
    // Nothing outside the folder: `..` in a request is normalized away or refused here.
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(403).end("forbidden");
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      statSync(file);
    } catch {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" });
    createReadStream(file).pipe(response);
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      done({ server, url: `http://127.0.0.1:${actual}/` });
    });
  });
}

function portFlag(argv: readonly string[]): number {
  const i = argv.findIndex((a) => a === "--port" || a.startsWith("--port="));
  if (i < 0) return 8080;
  const text = argv[i]!.includes("=") ? argv[i]!.split("=")[1] : argv[i + 1];
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`playground: --port wants a port number 0–65535, found ${JSON.stringify(text ?? "")}`);
    process.exit(2);
  }
  return port;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = portFlag(process.argv.slice(2));
  const { buildPlayground } = await import("./build.js");
  const dir = await buildPlayground();
  serveStatic(dir, port).then(
    ({ url }) => console.log(`playground: serving ${dir} at ${url} (Ctrl-C stops)`),
    (error: unknown) => {
      console.error(`playground: cannot listen on 127.0.0.1:${port}: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
