// Threads for the arena's kernels. Workers instantiate the same kernels on an arena's shared
// WebAssembly memory; a job is a list of parts (kernel calls writing disjoint outputs) on a board in
// a SharedArrayBuffer, claimed one at a time by the calling thread and the workers until none is
// left. The caller always claims parts itself, so a worker that is asleep, still starting or
// descheduled costs its share of speed and nothing else: nobody waits for a part nobody took.
// Each output element is computed by one call, in the same order along k as on one thread, so the
// results are bit for bit those of one thread.
// Nothing here may touch a Node-only API by name: compiled modules carry this file into browsers.

/** The kernels a part may call, by index (the board holds the index, then the call's arguments). */
export const PART_KERNELS = ["matmul_acc", "lstm_gates", "gru_gates", "gru_reset", "gru_update", "rnn_gates"] as const;
export type PartKernel = (...args: number[]) => void;

/** Where things are on the board (Int32 indices), shared with the workers through their start message. */
const LAYOUT = {
  /** The job's number; a worker that sees it change looks for parts. */
  seq: 0,
  /** job number << partBits | the next part to claim (the job number kept below 2^(31 − partBits)). */
  next: 1,
  /** Parts finished. */
  done: 2,
  /** The arena the job is for. */
  arena: 3,
  /** How many parts the job has. */
  parts: 4,
  /** Set when a part threw in a worker. */
  failed: 5,
  /** Parts the workers ran, ever (for tests). */
  workerParts: 6,
  /** Per worker: 1 while it sleeps on `seq` instead of watching the board. */
  sleeping: 16,
  /** Per worker: messages posted to it not yet handled (a watching worker returns to read them). */
  mail: 48,
  /** Per worker slot: 1 once a retired worker is gone (its slot may be reused). */
  exited: 80,
  board: 112,
  partInts: 12,
  maxParts: 64,
  /** Bits of `next` that count parts: room for maxParts. */
  partBits: 7,
  maxWorkers: 31,
  /**
   * How long a worker watches the board after its last job before it sleeps: long enough to span a
   * recurrent step's gap between jobs, short enough not to take a busy machine's core for nothing.
   */
  spinMs: 0.2,
} as const;

const BOARD_INTS = LAYOUT.board + LAYOUT.maxParts * LAYOUT.partInts;
const PART_MASK = (1 << LAYOUT.partBits) - 1;

type Message =
  | { type: "start"; control: SharedArrayBuffer; index: number; layout: typeof LAYOUT; kernels: readonly string[] }
  | { type: "attach"; id: number; module: WebAssembly.Module; memory: WebAssembly.Memory; ready: SharedArrayBuffer }
  | { type: "detach"; id: number }
  | { type: "exit" };

interface WorkerLike {
  post(message: Message): void;
  /** Its slot: the index of its flags on the board and in each arena's ready flags. */
  slot: number;
}

/**
 * A worker's whole program, self-contained: it is sent as text (`toString`), so it may use nothing
 * from outside its body. `port` is the channel to the creating thread; `isNode` how to listen on it.
 */
function workerMain(
  port: { on?: (event: string, f: (m: Message) => void) => void; onmessage?: unknown; close?: () => void },
  isNode: boolean,
): void {
  let control = new Int32Array(new SharedArrayBuffer(0));
  let index = -1;
  let layout: typeof LAYOUT | undefined;
  let names: readonly string[] = [];
  const arenas = new Map<number, ((...args: number[]) => void)[]>();
  let seen = 0;

  const onMessage = (message: Message) => {
    if (message.type === "start") {
      control = new Int32Array(message.control);
      index = message.index;
      layout = message.layout;
      names = message.kernels;
      seen = Atomics.load(control, layout.seq);
    } else if (message.type === "attach") {
      const instance = new WebAssembly.Instance(message.module, { env: { memory: message.memory } });
      const exports = instance.exports as Record<string, (...args: number[]) => void>;
      arenas.set(
        message.id,
        names.map((name) => exports[name]!),
      );
      Atomics.store(new Int32Array(message.ready), index, 1);
    } else if (message.type === "detach") arenas.delete(message.id);
    else {
      // Retired (see Pool.retire): ending the thread frees every memory it still held.
      arenas.clear();
      Atomics.store(control, layout!.exited + index, 1);
      // Node's parentPort and a browser worker's self both close: the thread then ends, having
      // nothing left to wait for.
      port.close!();
      return;
    }
    Atomics.sub(control, layout!.mail + index, 1);
    serve(layout!);
  };
  if (isNode) port.on!("message", onMessage);
  else port.onmessage = (event: { data: Message }) => onMessage(event.data);

  /**
   * Watches the board, running parts; after spinMs without a job, sleeps on it (Atomics.wait: the
   * caller notifies when it publishes a job or posts a message). Returns when a message waits.
   */
  function serve(l: typeof LAYOUT): void {
    let idleSince = performance.now();
    for (let spins = 1; ; spins++) {
      const seq = Atomics.load(control, l.seq);
      if (seq !== seen) {
        seen = seq;
        work(l, seq);
        idleSince = performance.now();
        continue;
      }
      if (Atomics.load(control, l.mail + index) > 0) return;
      if ((spins & 255) === 0 && performance.now() - idleSince > l.spinMs) {
        Atomics.store(control, l.sleeping + index, 1);
        // (The timeout bounds a message posted between the check and the wait: it is read within a second.)
        if (Atomics.load(control, l.mail + index) === 0) Atomics.wait(control, l.seq, seen, 1000);
        Atomics.store(control, l.sleeping + index, 0);
        idleSince = performance.now();
      }
    }
  }

  function work(l: typeof LAYOUT, seq: number): void {
    const kernels = arenas.get(Atomics.load(control, l.arena));
    if (!kernels) return;
    const parts = Atomics.load(control, l.parts);
    const partMask = (1 << l.partBits) - 1;
    for (;;) {
      const next = Atomics.load(control, l.next);
      if (next >>> l.partBits !== seq || (next & partMask) >= parts) return;
      if (Atomics.compareExchange(control, l.next, next, next + 1) !== next) continue;
      const at = l.board + (next & partMask) * l.partInts;
      try {
        kernels[control[at]!]!(
          control[at + 1]!,
          control[at + 2]!,
          control[at + 3]!,
          control[at + 4]!,
          control[at + 5]!,
          control[at + 6]!,
          control[at + 7]!,
          control[at + 8]!,
          control[at + 9]!,
          control[at + 10]!,
          control[at + 11]!,
        );
      } catch {
        Atomics.store(control, l.failed, 1);
      }
      Atomics.add(control, l.workerParts, 1);
      Atomics.add(control, l.done, 1);
    }
  }
}

/**
 * A Node built-in module by name, or undefined outside Node: the one place this file (carried into
 * browsers by compiled modules) touches Node, as feature detection.
 */
function nodeBuiltin(name: string): unknown {
  return (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process?.getBuiltinModule?.(name);
}
const NODE_THREADS = "node:worker_threads";

interface NodeWorkerThreads {
  Worker: new (
    source: string,
    options: { eval: true },
  ) => { postMessage(m: unknown): void; unref(): void; on(event: string, f: () => void): void };
}

/**
 * How this engine starts a worker running workerMain — Node's worker_threads, or a browser's Worker
 * from a Blob URL — or undefined where it has no workers.
 */
function workerStarter(): ((onError: () => void) => Pick<WorkerLike, "post">) | undefined {
  const nodeThreads = nodeBuiltin(NODE_THREADS) as NodeWorkerThreads | undefined;
  if (nodeThreads) {
    return (onError) => {
      const port = `(${nodeBuiltin.toString()})(${JSON.stringify(NODE_THREADS)}).parentPort`;
      const worker = new nodeThreads.Worker(`(${workerMain.toString()})(${port}, true);`, { eval: true });
      // Idle workers must not keep a process alive (the CLI exits when its run is done).
      worker.unref();
      worker.on("error", onError);
      return { post: (message) => worker.postMessage(message) };
    };
  }
  const scope = globalThis as {
    Worker?: new (url: string) => { postMessage(m: unknown): void; onerror: unknown };
    Blob?: new (parts: string[], options: { type: string }) => unknown;
    URL?: { createObjectURL?(blob: unknown): string };
  };
  const { Worker, Blob, URL } = scope;
  if (!Worker || !Blob || !URL?.createObjectURL) return undefined;
  return (onError) => {
    const worker = new Worker(URL.createObjectURL!(new Blob([`(${workerMain.toString()})(self, false);`], { type: "text/javascript" })));
    worker.onerror = onError;
    return { post: (message) => worker.postMessage(message) };
  };
}

/**
 * Whether memories can be shared with workers here: where SharedArrayBuffer exists (browsers define
 * it on cross-origin-isolated pages only).
 */
function canShareMemory(): boolean {
  return typeof (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer === "function";
}

/** What is wrong with a `threads` option, or undefined (undefined itself means the cores). */
export function threadsProblem(threads: unknown): string | undefined {
  if (threads === undefined || (Number.isInteger(threads) && (threads as number) >= 1 && (threads as number) <= LAYOUT.maxWorkers + 1))
    return undefined;
  return `threads must be a whole number from 1 to ${LAYOUT.maxWorkers + 1}, not ${typeof threads === "string" ? JSON.stringify(threads) : String(threads)}`.slice(
    0,
    120,
  );
}

/** The threads `threads: undefined` means: the machine's cores. */
export function defaultThreads(): number {
  const os = nodeBuiltin("node:os") as { availableParallelism?: () => number } | undefined;
  const navigator = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const cores = os?.availableParallelism?.() ?? navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(LAYOUT.maxWorkers + 1, Math.floor(cores)));
}

let pool: Pool | undefined;
let nextArena = 1;

/** An arena's link to the pool: its id, the flags its workers raise once attached, its own kernels. */
export interface PoolMember {
  readonly id: number;
  readonly ready: Int32Array;
  readonly local: readonly PartKernel[];
  /** Workers this arena may use (threads - 1). */
  readonly workers: number;
  /** Attaches its workers (on its first job big enough to split); undefined once done. */
  attach: (() => void) | undefined;
  /** Until when (performance.now()) jobs run on this thread alone, after a worker held one up; that pause; when. */
  aloneUntil: number;
  pauseMs: number;
  lastStall: number;
}

/**
 * A worker "held a job up" when this thread, done with its parts, waited for the worker's four times
 * longer than its own took, plus this (a core just woken runs slow at first: that is no stall): the
 * worker was descheduled mid-part — a machine busier than its cores,
 * where a spinning worker also takes time from this thread. Jobs then run here alone for a pause, the
 * workers asleep: 1 ms, doubling while stalls recur within RECUR_MS of the last pause's end, up to
 * MAX_PAUSE_MS. A quiet machine stalls too, now and then (V8's own threads — garbage collection,
 * compilation — take a core for a moment): those stay 1 ms pauses.
 */
const STALL_MS = 0.25;
const RECUR_MS = 50;
const MAX_PAUSE_MS = 500;

/** An attached arena, as a worker needs it. */
interface Attached {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ready: Int32Array;
  /** Its workers: indices below this. */
  workers: number;
  bytes: number;
}

/**
 * A worker that let go of this many bytes of arenas is retired and replaced: a worker frees a
 * memory only when its own garbage collector runs, and an idle one (it allocates nothing) never
 * does — a process loading model after model would keep every arena alive in it.
 */
const RETIRE_BYTES = 256 * 1024 * 1024;

/** The process's workers (grown to the most threads any arena asked for) and their board. */
export class Pool {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * BOARD_INTS));
  private readonly workers: WorkerLike[] = [];
  private seq = 0;
  private broken = false;
  /** The arenas attached now, by id: what a worker started in a retired one's place attaches to. */
  private readonly attached = new Map<number, Attached>();
  /** Per worker: bytes of arenas detached from it since it started. */
  private released: number[] = [];
  private readonly forget = new FinalizationRegistry<number>((id) => this.detach(id));

  /**
   * The pool, where memory can be shared and workers started (its workers start when an arena first
   * has a job to split: a model too small for threads starts none); otherwise undefined.
   */
  static forThreads(): Pool | undefined {
    if (!canShareMemory() || !workerStarter()) return undefined;
    pool ??= new Pool();
    return pool.broken ? undefined : pool;
  }

  /** Starts workers until there are `wanted` (at most maxWorkers), or starting one fails. */
  private grow(wanted: number): void {
    while (this.workers.length < Math.min(wanted, LAYOUT.maxWorkers) && !this.broken) {
      const worker = this.start();
      if (!worker) break;
      this.workers.push(worker);
    }
  }

  /** A new worker in a free slot, started (its start message sent), or undefined. */
  private start(): WorkerLike | undefined {
    const c = this.control;
    // A slot is free when never used, or its retired worker has exited.
    const inUse = new Set(this.workers.map((w) => w.slot));
    let slot = -1;
    for (let i = 0; i < LAYOUT.maxWorkers && slot < 0; i++) {
      if (!inUse.has(i) && (!this.slotsUsed.has(i) || Atomics.load(c, LAYOUT.exited + i) === 1)) slot = i;
    }
    if (slot < 0) return undefined;
    const started = workerStarter()?.(() => (this.broken = true));
    if (!started) return undefined;
    this.slotsUsed.add(slot);
    for (const at of [LAYOUT.mail, LAYOUT.sleeping, LAYOUT.exited]) Atomics.store(c, at + slot, 0);
    for (const arena of this.attached.values()) Atomics.store(arena.ready, slot, 0);
    const worker = { post: started.post, slot };
    this.sendTo(worker, { type: "start", control: c.buffer as SharedArrayBuffer, index: slot, layout: LAYOUT, kernels: PART_KERNELS });
    return worker;
  }

  private readonly slotsUsed = new Set<number>();

  /** Parts run by workers so far, how many workers exist, how many were retired (tests). */
  static stats(): { workers: number; workerParts: number; retired: number } {
    return {
      workers: pool?.workers.length ?? 0,
      workerParts: pool ? Atomics.load(pool.control, LAYOUT.workerParts) : 0,
      retired: pool?.retired ?? 0,
    };
  }

  /** A member for an arena whose kernels (`local`) run on `memory`; its workers attach when it first has a job. */
  member(owner: object, module: WebAssembly.Module, memory: WebAssembly.Memory, local: PartKernel[], workers: number): PoolMember {
    const id = nextArena++;
    const ready = new Int32Array(new SharedArrayBuffer(4 * LAYOUT.maxWorkers));
    const count = Math.min(workers, LAYOUT.maxWorkers);
    const attach = () => {
      this.grow(count);
      const arena: Attached = { module, memory, ready, workers: count, bytes: memory.buffer.byteLength };
      this.attached.set(id, arena);
      for (let w = 0; w < Math.min(count, this.workers.length); w++) this.attachTo(w, id, arena);
      this.forget.register(owner, id);
    };
    return { id, ready, local, workers: count, attach, aloneUntil: 0, pauseMs: 0, lastStall: -Infinity };
  }

  /** How many threads the next job on `member`'s arena should use (1: this one alone), attaching its workers on its first job. */
  participants(member: PoolMember): number {
    if (member.attach) {
      member.attach();
      member.attach = undefined;
      return 1;
    }
    if (member.aloneUntil !== 0) {
      if (performance.now() < member.aloneUntil) return 1;
      member.aloneUntil = 0;
    }
    let n = 1;
    for (let w = 0; w < Math.min(member.workers, this.workers.length); w++) n += member.ready[this.workers[w]!.slot]!;
    return n;
  }

  /**
   * Runs `count` parts (each `partInts` ints at `parts`: a PART_KERNELS index, then its arguments) on
   * this thread and the workers attached to `member`'s arena; returns when all are done.
   */
  run(member: PoolMember, parts: Int32Array, count: number): void {
    const c = this.control;
    const l = LAYOUT;
    c.set(parts.subarray(0, count * l.partInts), l.board);
    Atomics.store(c, l.arena, member.id);
    Atomics.store(c, l.parts, count);
    Atomics.store(c, l.done, 0);
    Atomics.store(c, l.failed, 0);
    this.seq = (this.seq + 1) & ((1 << (31 - l.partBits)) - 1);
    const tag = this.seq;
    Atomics.store(c, l.next, tag << l.partBits);
    Atomics.store(c, l.seq, tag);
    let woke = false;
    for (let w = 0; w < Math.min(member.workers, this.workers.length); w++) {
      const slot = this.workers[w]!.slot;
      if (member.ready[slot] === 1 && Atomics.load(c, l.sleeping + slot) === 1) {
        Atomics.notify(c, l.seq);
        woke = true;
        break;
      }
    }
    const local = member.local;
    const start = performance.now();
    for (;;) {
      const next = Atomics.load(c, l.next);
      if ((next & PART_MASK) >= count) break;
      if (Atomics.compareExchange(c, l.next, next, next + 1) !== next) continue;
      const at = (next & PART_MASK) * l.partInts;
      local[parts[at]!]!(
        parts[at + 1]!,
        parts[at + 2]!,
        parts[at + 3]!,
        parts[at + 4]!,
        parts[at + 5]!,
        parts[at + 6]!,
        parts[at + 7]!,
        parts[at + 8]!,
        parts[at + 9]!,
        parts[at + 10]!,
        parts[at + 11]!,
      );
      Atomics.add(c, l.done, 1);
    }
    // Parts a worker took: they are running now.
    if (Atomics.load(c, l.done) < count) {
      const own = performance.now() - start;
      while (Atomics.load(c, l.done) < count) {
        // spin: a part is microseconds to milliseconds, far below a sleep's wake-up
      }
      const now = performance.now();
      // (A worker just woken starts late by design: that is no stall.)
      if (!woke && now - start - own > 4 * own + STALL_MS) {
        member.pauseMs = now - member.lastStall < member.pauseMs + RECUR_MS ? Math.min(MAX_PAUSE_MS, 2 * member.pauseMs) : 1;
        member.lastStall = now;
        member.aloneUntil = now + member.pauseMs;
      }
    }
    if (Atomics.load(c, l.failed) !== 0) throw new Error("rnnc: a kernel failed on a worker thread");
  }

  private send(worker: number, message: Message): void {
    this.sendTo(this.workers[worker]!, message);
  }

  private sendTo(worker: WorkerLike, message: Message): void {
    Atomics.add(this.control, LAYOUT.mail + worker.slot, 1);
    worker.post(message);
    // A sleeping worker wakes, sees its mail and returns to its event loop to read it.
    Atomics.notify(this.control, LAYOUT.seq);
  }

  private attachTo(worker: number, id: number, arena: Attached): void {
    this.send(worker, { type: "attach", id, module: arena.module, memory: arena.memory, ready: arena.ready.buffer as SharedArrayBuffer });
  }

  /** An arena was collected: its workers let it go, and one that has let go of enough is retired. */
  private detach(id: number): void {
    const arena = this.attached.get(id);
    if (!arena) return;
    this.attached.delete(id);
    for (let w = 0; w < Math.min(arena.workers, this.workers.length); w++) {
      this.send(w, { type: "detach", id });
      this.released[w] = (this.released[w] ?? 0) + arena.bytes;
      if (this.released[w]! > RETIRE_BYTES) this.retire(w);
    }
  }

  /**
   * Ends worker `w` and starts another in its place, attached to every arena still attached. Runs
   * between jobs (a finalizer runs on the event loop), so no part is in flight; until the new worker
   * has attached, its arenas' jobs run on the other threads.
   */
  private retire(w: number): void {
    const replacement = this.start();
    // No free slot (a retired worker has not exited yet): keep this one for now.
    if (!replacement) return;
    this.send(w, { type: "exit" });
    this.released[w] = 0;
    this.retired++;
    this.workers[w] = replacement;
    for (const [id, arena] of this.attached) if (w < arena.workers) this.attachTo(w, id, arena);
  }

  /** Workers retired so far (tests). */
  private retired = 0;
}

/** The board's part size and most parts, for callers filling a job. */
export const PART_INTS = LAYOUT.partInts;
export const MAX_PARTS = LAYOUT.maxParts;
