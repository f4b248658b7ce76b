// The language server's soak: thousands of random edits — insertions, deletions, pastes of random
// fragments of the examples — across three documents over the real `rnnc lsp --stdio`, with hover,
// completion, documentSymbol and formatting requests interleaved (some cancelled on the way). It fails
// (exit 1) on a crash, an error response other than a cancellation, an internal error in the server's
// log, a document whose last diagnostics are for an older version, or resident memory that keeps
// growing; it prints the server's start, end and peak RSS.
//
//   npm run soak                  10,000 edits, seed 1
//   SOAK_EDITS=10000 SOAK_SEED=7 npm run soak
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CancellationTokenSource, createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { LSPErrorCodes, type PublishDiagnosticsParams } from "vscode-languageserver/node";

const ROOT = join(import.meta.dirname, "..");
const EDITS = Number(process.env["SOAK_EDITS"] ?? 10_000);
const SEED = Number(process.env["SOAK_SEED"] ?? 1);
/** Requests still unanswered before the soak waits for them: an editor does not queue without bound either. */
const MAX_IN_FLIGHT = 16;
/**
 * RSS is flat when the last third of the samples stays within this factor of the middle third (plus
 * slack for the heap's steps). V8 grows its heap in steps for a while after start, so the first third
 * is warm-up; a leak keeps growing through the last two.
 */
const RSS_GROWTH_LIMIT = 1.15;
const RSS_SLACK_MB = 32;
/** Cancellations are what an editor causes by moving on; they are not failures. */
const CANCELLED = new Set<number>([LSPErrorCodes.RequestCancelled, LSPErrorCodes.ContentModified, LSPErrorCodes.ServerCancelled]);

/** xorshift32: the same seed makes the same soak. */
function random(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
  };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function main(): Promise<number> {
  const r = random(SEED);
  const examples = readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".rnn"))
    .map((f) => readFileSync(join(ROOT, "examples", f), "utf8"));
  const fragment = () => {
    const source = r.pick(examples);
    const start = r.int(0, source.length - 1);
    return source.slice(start, start + r.int(1, 200));
  };

  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), "lsp", "--stdio"], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const failures: string[] = [];
  let exited: number | null | undefined;
  child.on("exit", (code) => (exited = code));
  child.stderr.on("data", (chunk: Buffer) => failures.push(`stderr: ${chunk.toString().trim()}`));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const latest = new Map<string, PublishDiagnosticsParams>();
  connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
    latest.set(p.uri, p);
  });
  connection.onNotification("window/logMessage", (p: { message: string }) => {
    if (/internal error|failed/i.test(p.message)) failures.push(`server log: ${p.message.slice(0, 500)}`);
  });
  connection.listen();
  await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    initializationOptions: { diagnosticsDelay: 20 },
  });
  await connection.sendNotification("initialized", {});

  const docs = [0, 1, 2].map((i) => TextDocument.create(`file:///soak/doc${i}.rnn`, "rnn", 1, examples[i % examples.length]!));
  for (const doc of docs)
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: doc.uri, languageId: "rnn", version: doc.version, text: doc.getText() },
    });

  const samples: number[] = [rssMb(child.pid!)];
  const start = samples[0]!;
  let inFlight: Promise<unknown>[] = [];
  const counts = { requests: 0, answered: 0, cancelled: 0 };
  const request = (method: string, params: object, cancel: boolean) => {
    counts.requests++;
    const source = new CancellationTokenSource();
    const answer = connection.sendRequest(method, params, source.token).then(
      () => counts.answered++,
      (error: { code?: number; message?: string }) => {
        if (error.code !== undefined && CANCELLED.has(error.code)) counts.cancelled++;
        else failures.push(`${method}: error ${error.code} ${error.message}`);
      },
    );
    if (cancel) source.cancel();
    inFlight.push(answer);
  };

  const began = performance.now();
  for (let i = 0; i < EDITS && exited === undefined; i++) {
    const doc = r.pick(docs);
    const text = doc.getText();
    const at = r.int(0, text.length);
    const kind = r.next();
    let change: { start: number; end: number; text: string };
    if (kind < 0.4)
      change = {
        start: at,
        end: at,
        text: r.pick(["(", ")", "\n", " ", "x", ",", "=", "|>", "lstm(3)", "# note\n", "}", "{", '"'] as const),
      };
    else if (kind < 0.7) change = { start: at, end: Math.min(text.length, at + r.int(1, 40)), text: "" };
    else change = { start: at, end: Math.min(text.length, at + r.int(0, 10)), text: fragment() };
    // Keep documents from growing without bound: the soak is about churn, not size.
    if (text.length > 20_000) change = { start: 0, end: text.length, text: r.pick(examples) };
    const range = { start: doc.positionAt(change.start), end: doc.positionAt(change.end) };
    const updated = TextDocument.update(doc, [{ range, text: change.text }], doc.version + 1);
    docs[docs.indexOf(doc)] = updated;
    await connection.sendNotification("textDocument/didChange", {
      textDocument: { uri: updated.uri, version: updated.version },
      contentChanges: [{ range, text: change.text }],
    });

    if (r.next() < 0.5) {
      const target = r.pick(docs);
      const position = target.positionAt(r.int(0, target.getText().length));
      const textDocument = { uri: target.uri };
      const method = r.pick([
        "textDocument/hover",
        "textDocument/completion",
        "textDocument/documentSymbol",
        "textDocument/formatting",
      ] as const);
      const params =
        method === "textDocument/documentSymbol"
          ? { textDocument }
          : method === "textDocument/formatting"
            ? { textDocument, options: { tabSize: 2, insertSpaces: true } }
            : { textDocument, position };
      request(method, params, r.next() < 0.1);
    }
    if (inFlight.length >= MAX_IN_FLIGHT) {
      await Promise.all(inFlight);
      inFlight = [];
    }
    if (i % 50 === 0) samples.push(rssMb(child.pid!));
  }
  await Promise.all(inFlight);

  // Every document's last publication is for the version the editor holds (the debounce has passed).
  const settle = Date.now() + 60_000;
  const stale = () => docs.filter((d) => latest.get(d.uri)?.version !== d.version);
  while (stale().length > 0 && Date.now() < settle && exited === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  for (const d of stale())
    failures.push(`${d.uri}: last diagnostics for version ${latest.get(d.uri)?.version}, the editor holds ${d.version}`);
  samples.push(rssMb(child.pid!));
  const seconds = (performance.now() - began) / 1000;

  if (exited !== undefined) failures.push(`the server exited (code ${exited}) during the soak`);
  else {
    await connection.sendRequest("shutdown");
    await connection.sendNotification("exit");
    const code = await new Promise<number | null>((resolve) => (exited !== undefined ? resolve(exited) : child.on("exit", resolve)));
    if (code !== 0) failures.push(`the server exited with code ${code} after shutdown`);
  }
  connection.dispose();

  const third = Math.max(1, Math.floor(samples.length / 3));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const warm = median(samples.slice(third, 2 * third));
  const last = median(samples.slice(-third));
  const peak = Math.max(...samples);
  const end = samples.at(-1)!;
  console.log(
    `soak: ${EDITS} edits, seed ${SEED}, ${seconds.toFixed(1)} s; ${counts.requests} requests (${counts.answered} answered, ${counts.cancelled} cancelled)`,
  );
  console.log(
    `server RSS: start ${start.toFixed(0)} MB, middle third ${warm.toFixed(0)} MB, last third ${last.toFixed(0)} MB, end ${end.toFixed(0)} MB, peak ${peak.toFixed(0)} MB`,
  );
  if (last > warm * RSS_GROWTH_LIMIT + RSS_SLACK_MB)
    failures.push(`RSS grew from ${warm.toFixed(0)} MB (median of the middle third) to ${last.toFixed(0)} MB (of the last third)`);
  for (const f of failures.slice(0, 20)) console.error(`FAIL ${f}`);
  if (failures.length > 20) console.error(`… and ${failures.length - 20} more`);
  console.log(failures.length === 0 ? "soak: ok" : `soak: ${failures.length} failures`);
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
