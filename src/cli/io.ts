// Reading source files and writing output, with errors that name the file and never show a stack.
import { readFileSync } from "node:fs";
import { UsageError } from "./args.js";

export class UnreadableFile extends Error {}

export function readSource(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : code === "EACCES"
            ? "permission denied"
            : (error as Error).message;
    throw new UnreadableFile(`rnnc: cannot read ${path}: ${reason}`);
  }
}

/** For commands over several files: the text, or undefined after reporting an unreadable file (one line). */
export function readSourceOrReport(path: string): string | undefined {
  try {
    return readSource(path);
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    process.stderr.write(`${error.message}\n`);
    return undefined;
  }
}

export function requireOneFile(positional: readonly string[], command: string): string {
  if (positional.length !== 1) throw new UsageError(`rnnc ${command}: expected one FILE, got ${positional.length}`);
  return positional[0]!;
}

/** Whether to colour output: only on a terminal, and never when NO_COLOR is set. */
export function useColour(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && process.env["NO_COLOR"] === undefined;
}
