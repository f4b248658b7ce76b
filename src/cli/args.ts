// A small, strict flag parser: every command declares its flags; anything else is a usage error.
import { echo } from "../source/echo.js";
import { didYouMean } from "../source/suggest.js";

export class UsageError extends Error {}

export interface FlagSpec {
  /** Takes a value (`--model M` or `--model=M`); otherwise a switch. */
  value?: boolean;
  /** May be given more than once (`--input a=… --input b=…`). */
  repeat?: boolean;
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
}

export function parseArgs(argv: readonly string[], spec: Record<string, FlagSpec>, command: string): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = (eq >= 0 ? arg.slice(0, eq) : arg).replace(/^--?/, "");
    // Own properties only: `--constructor` is an unknown option, not Object.prototype's.
    const flag = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!flag) {
      const known = Object.keys(spec).map((k) => `--${k}`);
      throw new UsageError(`rnnc ${command}: unknown option ${echo(eq >= 0 ? arg.slice(0, eq) : arg)}${didYouMean(`--${name}`, known)}`);
    }
    let value = "true";
    if (flag.value) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i]!;
      else throw new UsageError(`rnnc ${command}: --${name} needs a value`);
    } else if (eq >= 0) {
      throw new UsageError(`rnnc ${command}: --${name} takes no value`);
    }
    const values = flags.get(name) ?? [];
    if (values.length > 0 && !flag.repeat) throw new UsageError(`rnnc ${command}: --${name} given twice`);
    values.push(value);
    flags.set(name, values);
  }
  return { positional, flags };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  return args.flags.get(name)?.[0];
}
