// Language-server benchmark, on the BUILT server (`npm run bench:lsp` builds first): spawns
// `node dist/cli/main.js lsp --stdio`, opens a generated 1,000-line document (bench/frontend.mjs's
// generator) and measures, as an editor sees them over JSON-RPC:
//   - didChange → publishDiagnostics for that version, with the debounce off (diagnosticsDelay: 0,
//     the work itself) and with the default debounce (what a user waits after the last keystroke);
//   - hover round trips on a checked document, and the first hover right after a change (which
//     includes checking the new version).
// It prints figures and never fails on timings.
//
// Options (environment): BENCH_SAMPLES (timed samples per figure, default 60, at least 50),
// BENCH_WARMUP (default 10), BENCH_LINES (default 1000).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import { check } from "../dist/index.js";
import { generateSource } from "./frontend.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SAMPLES = Math.max(50, Number(process.env.BENCH_SAMPLES ?? 60));
const WARMUP = Math.max(1, Number(process.env.BENCH_WARMUP ?? 10));
const LINES = Math.max(100, Number(process.env.BENCH_LINES ?? 1000));
const TARGET_DIAGNOSTICS_MS = 30;
const TARGET_HOVER_MS = 5;
const URI = "file:///bench/generated.rnn";

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: at(0.5), p90: at(0.9), min: sorted[0], n: sorted.length };
}

/** A server process and a JSON-RPC connection to it. */
async function startServer(initializationOptions) {
  const child = spawn(process.execPath, [join(ROOT, "dist", "cli", "main.js"), "lsp", "--stdio"], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiters = new Map();
  connection.onNotification("textDocument/publishDiagnostics", (p) => {
    const key = `${p.uri}@${p.version}`;
    const waiter = waiters.get(key);
    if (waiter) {
      waiters.delete(key);
      waiter({ at: performance.now(), diagnostics: p.diagnostics });
    }
  });
  connection.listen();
  await connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions });
  await connection.sendNotification("initialized", {});
  const diagnosticsFor = (version) => new Promise((resolve) => waiters.set(`${URI}@${version}`, resolve));
  /** The server's resident memory (Linux; undefined elsewhere). */
  const rssMb = () => {
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
      return kb === undefined ? undefined : Number(kb) / 1024;
    } catch {
      return undefined;
    }
  };
  const stop = async () => {
    await connection.sendRequest("shutdown");
    await connection.sendNotification("exit");
    await new Promise((resolve) => (child.exitCode === null ? child.on("exit", resolve) : resolve()));
    connection.dispose();
  };
  return { connection, diagnosticsFor, rssMb, stop };
}

function positionOf(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

/** An edit that keeps the file clean: a decoder layer's units, toggled (its successor adapts). */
function editSite(text) {
  const match = /^ {2}d3 = d2 \|> gru\((\d+), seq=true\)$/m.exec(text);
  if (!match) throw new Error("the generated file has no decoder layer d3 to edit");
  const start = match.index + match[0].indexOf("gru(") + 4;
  return { start, end: start + match[1].length, values: [match[1], String(Number(match[1]) + 1)] };
}

/** didChange → publishDiagnostics of that version, `count` times, after `warmup` untimed ones. */
async function timeDiagnostics(server, text, count, warmup) {
  const site = editSite(text);
  let version = 1;
  let current = site.values[0];
  const samples = [];
  for (let i = 0; i < warmup + count; i++) {
    const next = site.values[(i + 1) % 2];
    const range = { start: positionOf(text, site.start), end: positionOf(text, site.start + current.length) };
    text = text.slice(0, site.start) + next + text.slice(site.start + current.length);
    current = next;
    version++;
    const published = server.diagnosticsFor(version);
    const t0 = performance.now();
    await server.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri: URI, version },
      contentChanges: [{ range, text: next }],
    });
    const { at, diagnostics } = await published;
    if (diagnostics.some((d) => d.severity === 1)) throw new Error(`the edit made errors: ${diagnostics[0].message}`);
    if (i >= warmup) samples.push(at - t0);
  }
  return { samples, text, version };
}

/** Every assignment target of the file: where a hover shows a binding's type. */
function hoverSites(text) {
  const sites = [];
  for (const m of text.matchAll(/^ {2}(\w+)(?:, \w+)* = /gm)) if (m[1] !== "_") sites.push({ offset: m.index + 2, name: m[1] });
  return sites;
}

async function timeHovers(server, text, count, warmup) {
  const sites = hoverSites(text);
  const samples = [];
  for (let i = 0; i < warmup + count; i++) {
    const site = sites[(i * 7919) % sites.length];
    const t0 = performance.now();
    const hover = await server.connection.sendRequest("textDocument/hover", {
      textDocument: { uri: URI },
      position: positionOf(text, site.offset),
    });
    const ms = performance.now() - t0;
    if (!hover?.contents?.value?.includes(`${site.name}: `)) throw new Error(`unexpected hover on ${site.name}: ${JSON.stringify(hover)}`);
    if (i >= warmup) samples.push(ms);
  }
  return samples;
}

/** The first hover after a change: the new version is checked on demand. */
async function timeHoverAfterChange(server, text, version, count, warmup) {
  const site = editSite(text);
  const target = hoverSites(text).at(-1);
  let current = text.slice(site.start, site.end);
  const samples = [];
  for (let i = 0; i < warmup + count; i++) {
    const next = current === site.values[0] ? site.values[1] : site.values[0];
    const range = { start: positionOf(text, site.start), end: positionOf(text, site.start + current.length) };
    text = text.slice(0, site.start) + next + text.slice(site.start + current.length);
    current = next;
    version++;
    await server.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri: URI, version },
      contentChanges: [{ range, text: next }],
    });
    const t0 = performance.now();
    await server.connection.sendRequest("textDocument/hover", { textDocument: { uri: URI }, position: positionOf(text, target.offset) });
    if (i >= warmup) samples.push(performance.now() - t0);
  }
  return samples;
}

async function measure(label, initializationOptions, text) {
  const server = await startServer(initializationOptions);
  const opened = server.diagnosticsFor(1);
  await server.connection.sendNotification("textDocument/didOpen", { textDocument: { uri: URI, languageId: "rnn", version: 1, text } });
  const { diagnostics } = await opened;
  const errors = diagnostics.filter((d) => d.severity === 1);
  if (errors.length) throw new Error(`the generated file does not check clean: ${errors[0].message}`);
  const diag = await timeDiagnostics(server, text, SAMPLES, WARMUP);
  const result = { label, diagnostics: stats(diag.samples) };
  if (initializationOptions.diagnosticsDelay === 0) {
    result.hover = stats(await timeHovers(server, diag.text, SAMPLES, WARMUP));
    result.hoverAfterChange = stats(await timeHoverAfterChange(server, diag.text, diag.version, SAMPLES, WARMUP));
  }
  result.rssMb = server.rssMb();
  await server.stop();
  return result;
}

/** The peer: the same document checked in this process by the public API, which is all the server does on a change. */
function timeCheck(text, count, warmup) {
  const samples = [];
  for (let i = 0; i < warmup + count; i++) {
    const t0 = performance.now();
    check(text);
    if (i >= warmup) samples.push(performance.now() - t0);
  }
  return stats(samples);
}

const fmt = (ms) => ms.toFixed(2).padStart(8);

async function main() {
  const cpus = os.cpus();
  const text = generateSource(LINES, 2);
  const lines = text.split("\n").length;
  console.log(
    `rnnc language server (dist/), ${lines}-line document (${text.length.toLocaleString("en-US")} chars); ${SAMPLES} samples after ${WARMUP} warm-up each; node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? "cpu"}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const noDebounce = await measure("debounce off (diagnosticsDelay: 0)", { diagnosticsDelay: 0 }, text);
  const reference = timeCheck(text, SAMPLES, WARMUP);
  const withDebounce = await measure("default debounce (75 ms)", {}, text);

  const rows = [
    ["measure", "median ms", "p90 ms", "min ms"],
    ["didChange → publishDiagnostics, debounce off", noDebounce.diagnostics],
    ["didChange → publishDiagnostics, default 75 ms debounce", withDebounce.diagnostics],
    ["hover (document already checked)", noDebounce.hover],
    ["hover right after a didChange (checks the new version)", noDebounce.hoverAfterChange],
    ["peer: check(text) in this process (parse + check only)", reference],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log();
  console.log(
    `${rows[0][0].padEnd(width)}  ${rows[0]
      .slice(1)
      .map((h) => h.padStart(9))
      .join("  ")}`,
  );
  for (const [name, s] of rows.slice(1)) console.log(`${name.padEnd(width)}  ${fmt(s.median)}   ${fmt(s.p90)}   ${fmt(s.min)}`);
  console.log();
  console.log(
    `server overhead: didChange → publishDiagnostics (debounce off) is ${(noDebounce.diagnostics.median / reference.median).toFixed(2)}× the in-process check() median`,
  );
  if (noDebounce.rssMb !== undefined) console.log(`server resident memory at the end of the run: ${noDebounce.rssMb.toFixed(0)} MB`);
  const verdict = (ok) => (ok ? "MET" : "NOT MET");
  console.log(
    `target: diagnostics under ${TARGET_DIAGNOSTICS_MS} ms (debounce excluded) — median ${noDebounce.diagnostics.median.toFixed(1)} ms, p90 ${noDebounce.diagnostics.p90.toFixed(1)} ms: ${verdict(noDebounce.diagnostics.median < TARGET_DIAGNOSTICS_MS)}`,
  );
  console.log(
    `target: hover under ${TARGET_HOVER_MS} ms — median ${noDebounce.hover.median.toFixed(2)} ms, p90 ${noDebounce.hover.p90.toFixed(2)} ms: ${verdict(noDebounce.hover.median < TARGET_HOVER_MS)}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
