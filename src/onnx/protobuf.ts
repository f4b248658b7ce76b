// The protobuf wire format, as much of it as ONNX files need: varints and length-delimited fields.
// Written by hand (no dependency, browser-safe); a message is built field by field and then encoded.

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_LEN = 2;

/** A varint: int64 values as protobuf writes them (a negative one as its 10-byte two's complement). */
function varint(value: number | bigint): number[] {
  let n = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}

/** One protobuf message under construction: fields are appended in the order they are written. */
export class ProtoMessage {
  private readonly parts: Uint8Array[] = [];

  private key(field: number, wire: number): number[] {
    return varint((field << 3) | wire);
  }

  /** An integer field (int32, int64, enum). */
  int(field: number, value: number | bigint): this {
    if (typeof value === "number" && !Number.isSafeInteger(value)) throw new Error(`protobuf field ${field}: ${value} is not an integer`);
    this.parts.push(Uint8Array.from([...this.key(field, WIRE_VARINT), ...varint(value)]));
    return this;
  }

  /** A float field (fixed 32 bits, little-endian). */
  float(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.parts.push(Uint8Array.from(this.key(field, WIRE_FIXED32)), bytes);
    return this;
  }

  bytes(field: number, bytes: Uint8Array): this {
    this.parts.push(Uint8Array.from([...this.key(field, WIRE_LEN), ...varint(bytes.length)]), bytes);
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  message(field: number, message: ProtoMessage): this {
    return this.bytes(field, message.encode());
  }

  /** The message's bytes. */
  encode(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}
