// The transport @codemirror/lsp-client talks over: the language server's Web Worker. The client
// speaks JSON text; vscode-languageserver's BrowserMessageReader/Writer post message objects.
import type { Transport } from "@codemirror/lsp-client";

export function workerTransport(worker: Worker): Transport {
  const handlers = new Set<(message: string) => void>();
  worker.addEventListener("message", (event: MessageEvent) => {
    const text = JSON.stringify(event.data);
    for (const handler of handlers) handler(text);
  });
  return {
    send: (message) => worker.postMessage(JSON.parse(message)),
    subscribe: (handler) => void handlers.add(handler),
    unsubscribe: (handler) => void handlers.delete(handler),
  };
}

/** rnnc's language server, started in its worker (lsp-worker.ts, built beside app.js). */
export function startLanguageServer(): Worker {
  return new Worker(new URL("./lsp-worker.js", document.baseURI), { type: "module", name: "rnnc language server" });
}
