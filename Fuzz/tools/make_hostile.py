#!/usr/bin/env python3
"""Writes the small, well-formed GGUF files that once made LowBit slow or hungry (issue 13).

    python3 Fuzz/tools/make_hostile.py OUTDIR [N]

N is the element count (default 8,388,608 = 8M). Files written:

  alignment-array.gguf   general.alignment as an N-element uint8 array (case 1)
  hparam-array.gguf      llama.embedding_length as an N-element uint8 array (case 1)
  u8-array.gguf          one N-element uint8 array (case 2, numbers)
  f32-array.gguf         one N-element float32 array (case 2, numbers)
  str-array.gguf         one N-element array of 1-byte strings (case 2, strings)
  nested-array.gguf      N empty arrays nested in one array (case 2, arrays)
  specials.gguf          a gpt2 vocabulary with 50,000 control tokens <ctrl_0> … (case 3)
  specials-prompt.txt    a 100,000-character prompt full of near-misses for them
  specials-wide.gguf     500,000 control tokens of 16 random letters (8 MB of trie, no sharing)
  tensors.gguf           N/8 one-byte tensors with 16-byte names (a tensor-table bomb)

Plain struct packing; no dependency beyond the standard library.
"""
import struct, sys, os

def s(x: bytes) -> bytes:
    return struct.pack("<Q", len(x)) + x

def kv(key: str, vtype: int, payload: bytes) -> bytes:
    return s(key.encode()) + struct.pack("<I", vtype) + payload

def arr(etype: int, count: int, body: bytes) -> bytes:
    return struct.pack("<IQ", etype, count) + body

def gguf(kvs, path):
    with open(path, "wb") as f:
        f.write(b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs)))
        for x in kvs:
            f.write(x)

U8, I32, F32, STR, ARR, U32 = 0, 5, 6, 8, 9, 4

def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 8 << 20
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)
    gguf([kv("general.alignment", ARR, arr(U8, n, bytes(n)))], p("alignment-array.gguf"))
    gguf([kv("general.architecture", STR, s(b"llama")),
          kv("llama.embedding_length", ARR, arr(U8, n, bytes(range(256)) * (n // 256) + bytes(n % 256)))],
         p("hparam-array.gguf"))
    gguf([kv("general.architecture", STR, s(b"llama")),
          kv("hostile.u8", ARR, arr(U8, n, bytes(n)))], p("u8-array.gguf"))
    gguf([kv("hostile.f32", ARR, arr(F32, n, struct.pack("<f", 0.5) * n))], p("f32-array.gguf"))
    gguf([kv("hostile.str", ARR, arr(STR, n, s(b"a") * n))], p("str-array.gguf"))
    gguf([kv("hostile.nested", ARR, arr(ARR, n, arr(U8, 0, b"") * n))], p("nested-array.gguf"))

    specials = [f"<ctrl_{i}>".encode() for i in range(50_000)]
    tokens = [bytes([b]) for b in range(33, 127)] + specials
    types = [1] * 94 + [3] * len(specials)
    gguf([kv("tokenizer.ggml.model", STR, s(b"gpt2")),
          kv("tokenizer.ggml.pre", STR, s(b"gpt-2")),
          kv("tokenizer.ggml.tokens", ARR, arr(STR, len(tokens), b"".join(s(t) for t in tokens))),
          kv("tokenizer.ggml.token_type", ARR, arr(I32, len(types), b"".join(struct.pack("<i", t) for t in types))),
          kv("tokenizer.ggml.merges", ARR, arr(STR, 0, b"")),
          kv("tokenizer.ggml.add_bos_token", 7, b"\x00")], p("specials.gguf"))
    import random
    rng = random.Random(1)
    wide = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(16)).encode() for _ in range(500_000)]
    tokens = [bytes([b]) for b in range(33, 127)] + wide
    types = [1] * 94 + [3] * len(wide)
    gguf([kv("tokenizer.ggml.model", STR, s(b"gpt2")),
          kv("tokenizer.ggml.tokens", ARR, arr(STR, len(tokens), b"".join(s(t) for t in tokens))),
          kv("tokenizer.ggml.token_type", ARR, arr(I32, len(types), b"".join(struct.pack("<i", t) for t in types))),
          kv("tokenizer.ggml.merges", ARR, arr(STR, 0, b""))], p("specials-wide.gguf"))
    nt = n // 8
    with open(p("tensors.gguf"), "wb") as f:
        f.write(b"GGUF" + struct.pack("<IQQ", 3, nt, 1))
        f.write(kv("general.alignment", U32, struct.pack("<I", 1)))
        for i in range(nt):
            # i8 (type 24) tensors of one element at consecutive offsets
            f.write(s(b"t%015d" % i) + struct.pack("<IQIQ", 1, 1, 24, i))
        f.write(bytes(nt))
    text = "<" * 30_000
    while len(text) < 100_000:
        text += "<ctrl_4999<ctrl_49999<ctrl_12345>x"
    with open(p("specials-prompt.txt"), "w") as f:
        f.write(text)

if __name__ == "__main__":
    main()
