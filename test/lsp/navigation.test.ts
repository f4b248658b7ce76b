// Go to definition, references, rename, document symbols, folding, semantic tokens, inlay hints and
// formatting, through the server in process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  DocumentSymbol,
  FoldingRange,
  InitializeResult,
  Location,
  Position,
  Range,
  SemanticTokens,
  TextEdit,
  WorkspaceEdit,
} from "vscode-languageserver/node";
import { formatRnn } from "../../src/format/index.js";
import { applyEdits, positionOfText } from "./editor.js";
import { InProcessServer } from "./in-process.js";

let client: InProcessServer;
beforeAll(async () => {
  client = await InProcessServer.start();
});
afterAll(async () => {
  await client?.stop();
});

const SRC = `# An encoder and two models that call it.
# Its final states seed a decoder.
model Encoder(src: [B, S, 32]) {
  _, h, c = lstm(128, state=true)(src)
  return h, c
}

model Translator(src: [B, S, 32], tgt: [B, T, 40]) {
  h, c = Encoder(src)
  y = lstm(128, seq=true)(tgt, initial=(h, c))
  y = y
    |> dense(40, activation=softmax)
  return y
}

model Twice(src: [B, S, 32]) {
  a, b = Encoder(src)
  return a
}
`;

/** Runs `f` on SRC opened in the server. */
const onSrc = <T>(f: (uri: string) => Promise<T>) => client.with(SRC, f);
const at = (needle: string, nth = 0, delta = 0): Position => positionOfText(SRC, needle, nth, delta);
const lineOf = (r: { range: Range }) => r.range.start.line;

describe("go to definition", () => {
  it("goes from a use to its binding", () =>
    onSrc(async (uri) => {
      const loc = await client.request<Location>("textDocument/definition", { textDocument: { uri }, position: at("initial=(h", 0, 9) });
      expect(loc.range).toEqual({ start: at("h, c = Encoder"), end: at("h, c = Encoder", 0, 1) });
    }));

  it("goes to the latest binding before the use (a name can be rebound)", () =>
    onSrc(async (uri) => {
      const first = await client.request<Location>("textDocument/definition", { textDocument: { uri }, position: at("y = y", 0, 4) });
      expect(lineOf(first)).toBe(9);
      const second = await client.request<Location>("textDocument/definition", { textDocument: { uri }, position: at("return y", 0, 7) });
      expect(lineOf(second)).toBe(10);
    }));

  it("goes from a model call to the model", () =>
    onSrc(async (uri) => {
      const loc = await client.request<Location>("textDocument/definition", { textDocument: { uri }, position: at("Encoder(src)", 1) });
      expect(loc.range).toEqual({ start: at("Encoder"), end: at("Encoder", 0, 7) });
    }));

  it("has no definition for a layer name", () =>
    onSrc(async (uri) => {
      expect(await client.request("textDocument/definition", { textDocument: { uri }, position: at("lstm") })).toBeNull();
    }));
});

describe("find references", () => {
  it("finds a binding's declaration and uses, and not a rebinding's", () =>
    onSrc(async (uri) => {
      const refs = await client.request<Location[]>("textDocument/references", {
        textDocument: { uri },
        position: at("y = lstm"),
        context: { includeDeclaration: true },
      });
      expect(refs.map((r) => [r.range.start.line, r.range.start.character])).toEqual([
        [9, 2],
        [10, 6],
      ]);
    }));

  it("finds a model's calls across the document", () =>
    onSrc(async (uri) => {
      const refs = await client.request<Location[]>("textDocument/references", {
        textDocument: { uri },
        position: at("Encoder"),
        context: { includeDeclaration: false },
      });
      expect(refs.map(lineOf)).toEqual([8, 16]);
    }));
});

describe("rename", () => {
  const rename = (uri: string, position: Position, newName: string) =>
    client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri }, position, newName });
  const renamed = (edit: WorkspaceEdit) => applyEdits(SRC, Object.values(edit.changes!)[0]!);

  it("renames one binding: its declaration and the uses that refer to it", () =>
    onSrc(async (uri) => {
      const text = renamed(await rename(uri, at("y = lstm"), "steps"));
      expect(text).toContain("  steps = lstm(128, seq=true)(tgt, initial=(h, c))\n  y = steps\n");
      expect(text).toContain("  return y\n");
    }));

  it("renames an input and its uses, in its own model only", () =>
    onSrc(async (uri) => {
      const text = renamed(await rename(uri, at("src", 2), "source"));
      expect(text).toContain("model Translator(source: [B, S, 32], tgt: [B, T, 40]) {\n  h, c = Encoder(source)");
      expect(text).toContain("model Encoder(src: [B, S, 32]) {\n  _, h, c = lstm(128, state=true)(src)");
    }));

  it("renames a model and every call of it", () =>
    onSrc(async (uri) => {
      const text = renamed(await rename(uri, at("Encoder(src)", 1, 3), "Reader"));
      expect(text.match(/Reader/g)).toHaveLength(3);
      expect(text).not.toContain("Encoder");
    }));

  it("prepares a rename on a binding or a model, not on a layer or a keyword", () =>
    onSrc(async (uri) => {
      const prepare = (position: Position) => client.request("textDocument/prepareRename", { textDocument: { uri }, position });
      expect(await prepare(at("h, c = Encoder", 0, 1))).toEqual({
        range: { start: at("h, c = Encoder"), end: at("h, c = Encoder", 0, 1) },
        placeholder: "h",
      });
      expect(await prepare(at("lstm"))).toBeNull();
      expect(await prepare(at("state="))).toBeNull();
    }));

  it("refuses a name that would change what other names refer to", () =>
    onSrc(async (uri) => {
      await expect(rename(uri, at("h, c = Encoder"), "c")).rejects.toThrow(/Translator already binds c/);
      await expect(rename(uri, at("Encoder"), "Twice")).rejects.toThrow(/already exists/);
      await expect(rename(uri, at("Encoder"), "a")).rejects.toThrow(/Twice binds a/);
      await expect(rename(uri, at("y = lstm"), "dense")).rejects.toThrow(/is a layer name/);
      await expect(rename(uri, at("y = lstm"), "2y")).rejects.toThrow(/not a valid name/);
    }));
});

describe("document symbols", () => {
  it("lists the models with their inputs and bindings, typed", () =>
    onSrc(async (uri) => {
      const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri } });
      expect(symbols.map((s) => s.name)).toEqual(["Encoder", "Translator", "Twice"]);
      const translator = symbols[1]!;
      expect(translator.detail).toBe("(src: f32[B,S,32], tgt: f32[B,T,40]) -> f32[B,T,40]");
      expect(translator.children!.map((c) => `${c.name}: ${c.detail}`)).toEqual([
        "src: input f32[B,S,32]",
        "tgt: input f32[B,T,40]",
        "h: f32[B,128]",
        "c: f32[B,128]",
        "y: f32[B,T,128]",
        "y: f32[B,T,40]",
      ]);
    }));
});

describe("folding ranges", () => {
  it("folds model bodies, comment blocks and statements that span lines", () =>
    onSrc(async (uri) => {
      const ranges = await client.request<FoldingRange[]>("textDocument/foldingRange", { textDocument: { uri } });
      expect(ranges.map((r) => [r.startLine, r.endLine, r.kind ?? ""])).toEqual([
        [0, 1, "comment"],
        [2, 4, ""],
        [7, 12, ""],
        [10, 11, ""],
        [15, 17, ""],
      ]);
    }));
});

describe("semantic tokens", () => {
  /** Decodes the relative encoding into [text, type, modifiers] per token. */
  async function tokensOf(text: string): Promise<[string, string, string[]][]> {
    const legend = (client.initializeResult as InitializeResult).capabilities.semanticTokensProvider!.legend;
    return client.with(text, async (uri) => {
      const { data } = await client.request<SemanticTokens>("textDocument/semanticTokens/full", { textDocument: { uri } });
      const lines = text.split("\n");
      const out: [string, string, string[]][] = [];
      let line = 0;
      let char = 0;
      for (let i = 0; i < data.length; i += 5) {
        line += data[i]!;
        char = data[i]! === 0 ? char + data[i + 1]! : data[i + 1]!;
        const word = lines[line]!.slice(char, char + data[i + 2]!);
        const modifiers = legend.tokenModifiers.filter((_, bit) => data[i + 4]! & (1 << bit));
        out.push([word, legend.tokenTypes[data[i + 3]!]!, modifiers]);
      }
      return out;
    });
  }

  it("declares its legend", () => {
    const legend = client.initializeResult.capabilities.semanticTokensProvider!.legend;
    expect(legend.tokenTypes).toEqual(
      expect.arrayContaining(["keyword", "function", "variable", "parameter", "type", "number", "string", "comment", "operator"]),
    );
  });

  it("classifies every kind of token", async () => {
    const tokens = await tokensOf(
      `# tags\nmodel Tagger(tokens: int[B, T]) {\n  e = tokens |> embedding(100, 8, mask_zero=true, name="emb")\n  return e |> dense(3, activation=softmax)\n}\n`,
    );
    const kind = (word: string, nth = 0) => {
      const found = tokens.filter(([w]) => w === word)[nth];
      return found ? `${found[1]}${found[2].length ? `.${found[2].join(".")}` : ""}` : undefined;
    };
    expect(kind("# tags")).toBe("comment");
    expect(kind("model")).toBe("keyword");
    expect(kind("Tagger")).toBe("class.declaration");
    expect(kind("tokens")).toBe("parameter.declaration");
    expect(kind("int")).toBe("type");
    expect(kind("B")).toBe("typeParameter");
    expect(kind("e")).toBe("variable.declaration");
    expect(kind("tokens", 1)).toBe("parameter");
    expect(kind("|>")).toBe("operator");
    expect(kind("=")).toBe("operator");
    expect(kind("embedding")).toBe("function.defaultLibrary");
    expect(kind("100")).toBe("number");
    expect(kind("mask_zero")).toBe("property");
    expect(kind("true")).toBe("keyword");
    expect(kind('"emb"')).toBe("string");
    expect(kind("return")).toBe("keyword");
    expect(kind("e", 1)).toBe("variable");
    expect(kind("softmax")).toBe("enumMember");
  });
});

describe("inlay hints", () => {
  it("shows the inferred type after every assignment target, _ included", async () => {
    const text = "model M(x: [1, 4, 5]) {\n  _, h, c = lstm(3, state=true)(x)\n  y = lstm(3, seq=true)(x, initial=(h, c))\n  return y\n}\n";
    const hints = await client.inlayHints(text);
    expect(hints.map((h) => [h.position.line, h.position.character, h.label])).toEqual([
      [1, 3, ": f32[1,3]"],
      [1, 6, ": f32[1,3]"],
      [1, 9, ": f32[1,3]"],
      [2, 3, ": f32[1,4,3]"],
    ]);
  });

  it("shows no hint for a value with an error", async () => {
    expect(await client.inlayHints("model M(x: [B, 4]) {\n  y = lstm(3)(x)\n  return y\n}\n")).toEqual([]);
  });
});

describe("formatting", () => {
  const format = (text: string) =>
    client.with(text, (uri) =>
      client.request<TextEdit[]>("textDocument/formatting", { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }),
    );

  it("formats the document with formatRnn", async () => {
    const messy = "model M(x:[B,4]){\n      y=x|>dense(2,activation=relu)\n  return y}\n";
    const edits = await format(messy);
    expect(edits).toHaveLength(1);
    expect(applyEdits(messy, edits)).toBe(await formatRnn(messy));
  });

  it("leaves a formatted document and a document with syntax errors as they are", async () => {
    expect(await format(await formatRnn(SRC))).toEqual([]);
    expect(await format("model M(x: [B, 4]) {\n  y = \n}\n")).toEqual([]);
  });
});
