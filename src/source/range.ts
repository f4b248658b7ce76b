// Positions and ranges in a source text, in the Language Server Protocol's convention
// (zero-based line and UTF-16 character), with the offset kept for slicing.

export interface Position {
  line: number;
  character: number;
  offset: number;
}

/** A half-open source range [start, end). */
export interface Range {
  start: Position;
  end: Position;
}

/** Maps offsets to positions and back; built once per text. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) this.lineStarts.push(i + 1);
      else if (ch === 13 && text.charCodeAt(i + 1) !== 10) this.lineStarts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The line of the last lookup: the AST is built in source order, so most lookups land on it. */
  private lastLine = 0;

  /** The position of an offset, clamped into the text. */
  position(offset: number): Position {
    const o = Math.max(0, Math.min(Number.isFinite(offset) ? offset : this.text.length, this.text.length));
    const last = this.lastLine;
    const lastStart = this.lineStarts[last]!;
    if (o >= lastStart && (last + 1 >= this.lineStarts.length || o < this.lineStarts[last + 1]!)) {
      return { line: last, character: o - lastStart, offset: o };
    }
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    this.lastLine = lo;
    return { line: lo, character: o - this.lineStarts[lo]!, offset: o };
  }

  /** The offset of a line/character pair, clamped into the text. */
  offset(line: number, character: number): number {
    if (line < 0) return 0;
    if (line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[line]!;
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1]! : this.text.length;
    return Math.max(start, Math.min(start + Math.max(0, character), next));
  }

  range(startOffset: number, endOffset: number): Range {
    return { start: this.position(startOffset), end: this.position(endOffset) };
  }

  /** The text of one line, without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line] ?? this.text.length;
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1]! : this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$|\r$/, "");
  }
}
