// What the language server uses from Node's globals that a Web Worker lacks, installed before the
// server's modules run (imported first by lsp-worker.ts): setImmediate (the server yields between
// slices of work with it) and process.env (it reads an optional setting from it).
const scope = globalThis as Record<string, unknown>;

if (typeof scope["setImmediate"] !== "function") {
  // A MessageChannel runs the callback after pending messages, as soon as a timer of 0 could but
  // without the browser's 4 ms clamp on nested timers.
  const pending = new Map<number, () => void>();
  let next = 0;
  const channel = new MessageChannel();
  channel.port1.onmessage = (event: MessageEvent<number>) => {
    const callback = pending.get(event.data);
    pending.delete(event.data);
    callback?.();
  };
  scope["setImmediate"] = (callback: () => void) => {
    const id = ++next;
    pending.set(id, callback);
    channel.port2.postMessage(id);
    return id;
  };
  scope["clearImmediate"] = (id: number) => void pending.delete(id);
}

if (typeof scope["process"] !== "object") scope["process"] = { env: {} };
