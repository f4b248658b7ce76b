// The protobuf writer against encodings from the protobuf spec (developers.google.com/protocol-buffers/docs/encoding).
import { describe, expect, it } from "vitest";
import { ProtoMessage } from "../../src/onnx/protobuf.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("ProtoMessage", () => {
  it("writes varints as the spec's examples (field 1 = 150 is 08 96 01)", () => {
    expect(hex(new ProtoMessage().int(1, 150).encode())).toBe("089601");
    expect(hex(new ProtoMessage().int(2, 1).encode())).toBe("1001");
  });

  it("writes a negative int64 as ten bytes of two's complement", () => {
    expect(hex(new ProtoMessage().int(1, -1).encode())).toBe("08ffffffffffffffffff01");
    expect(hex(new ProtoMessage().int(1, -(2n ** 63n)).encode())).toBe("0880808080808080808001");
  });

  it("writes strings, nested messages and floats length-delimited or fixed", () => {
    expect(hex(new ProtoMessage().string(2, "testing").encode())).toBe("120774657374696e67");
    expect(hex(new ProtoMessage().message(3, new ProtoMessage().int(1, 150)).encode())).toBe("1a03089601");
    expect(hex(new ProtoMessage().float(2, 1).encode())).toBe("150000803f");
  });

  it("refuses a number that is not an integer", () => {
    expect(() => new ProtoMessage().int(1, 0.5)).toThrow(/not an integer/);
  });
});
