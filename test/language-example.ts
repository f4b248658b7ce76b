// The example file of LANGUAGE.md §1, verbatim: several suites check it.

export const languageExample = `# examples/seed.rnn — the bidirectional LSTM of the seed walkthrough, weights fixed.
model BiSeed(x: [1, 4, 5]) {
  y, fh, fc, bh, bc = bilstm(3, seq=true, state=true,
                             kernel=constant(0.1), recurrent=constant(0.1), bias=zeros)(x)
  return y, fh, bh
}

# A classic encoder-decoder: return_state exists to hand state on.
model Seq2Seq(src: [B, S, 32], tgt: [B, T, 40]) {
  _, h, c = lstm(256, state=true)(src)
  dec = lstm(256, seq=true)(tgt, initial=(h, c))
  return dec |> dense(40, activation=softmax)
}

# A tagger: token ids in, per-step probabilities out.
model Tagger(tokens: int[B, T]) {
  return tokens
    |> embedding(10000, 64, mask_zero=true)
    |> bigru(128, seq=true)
    |> dense(17, activation=softmax)
}
`;
