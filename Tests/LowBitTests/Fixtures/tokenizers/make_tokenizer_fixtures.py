#!/usr/bin/env python3
"""Tokenizer fixtures that tie LowBit's tokenizers to llama.cpp's.

Run by hand, never by CI (CI has no Python; the tests only read what this writes):

    python3 Tests/LowBitTests/Fixtures/tokenizers/make_tokenizer_fixtures.py

Needs `tokenizers` (Hugging Face), `gguf` (llama.cpp's GGUF writer) and `llama-cpp-python`
(llama.cpp itself; 0.3.36 was used). For every case below it

  1. trains a small BPE with Hugging Face `tokenizers` on a fixed synthetic multilingual
     corpus, with the pre-tokenizer configuration of the real model family;
  2. writes a vocab-only GGUF file (`<case>.gguf`) as llama.cpp's converter would: tokens,
     token types (control, user-defined, unknown, unused, byte), merges or scores,
     BOS/EOS ids, `tokenizer.ggml.pre`, add_bos / add_eos / add_space_prefix;
  3. loads that file with `llama_cpp.Llama(path, vocab_only=True)` and records, for every
     text in TEXTS, llama.cpp's token ids with add_special (BOS/EOS) on and off and
     parse_special on and off, and `llama_detokenize` of the ids;
  4. for the byte-level cases, records Hugging Face's own ids for the same texts and lists
     the texts where they differ from llama.cpp's (LowBit follows llama.cpp for GGUF files).

Output: `<case>.gguf` and `tokenizer_fixtures.json` next to this script.

A wider check, not committed: `--fuzz N --out FILE` keeps the GGUF files, records llama.cpp on
N random texts instead, and writes FILE in the same layout; then

    LOWBIT_TOKENIZER_FIXTURES=FILE swift test --filter TokenizerLlamaCppTests

compares LowBit with llama.cpp on those.
"""

from __future__ import annotations

import ctypes
import json
import os
import random
import sys

import gguf
import llama_cpp
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

HERE = os.path.dirname(os.path.abspath(__file__))

# Token types as GGUF numbers them.
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6

# ---------------------------------------------------------------------------------------
# The texts every case is checked on.

TEXTS = [
    "",
    " ",
    "Hello world",
    "Hello, world! How are you today?",
    "  leading spaces, trailing spaces   ",
    "tabs\tand\ttabs\t\tdouble\t",
    "line one\nline two\n\nline four\r\nwindows line\r\n",
    "multiple    spaces   between     words",
    "\n\n\n",
    "   \n  \t \n x",
    "I'm sure you're right: we'll see, they've gone, she'd know, it's John's.",
    "I'M SURE YOU'RE RIGHT: WE'LL SEE, THEY'VE GONE, SHE'D KNOW, IT'S JOHN'S.",
    "don't DON'T Don'T rock'n'roll 'tis ''quoted'' '",
    "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
    "for (int i = 0; i < 10; ++i) { x[i] = i * 2; } // C\n",
    "let x = [1, 2, 3].map { $0 * 2 }  // Swift\n\tif a != b && c <= d || e >= f { print(a ^ b | c) }",
    "0 1 12 123 1234 12345 123456 1234567 12345678901234567890",
    "3.14159 2,718 1e-10 -42 +7 0x1F 1/2 100% $5",
    "Year 1987, phone +1-555-0100, zip 90210.",
    "中文测试：你好，世界！这是一个句子。",
    "日本語のテキスト、そしてカタカナ。",
    "한국어 텍스트입니다.",
    "emoji 😀👍🏽 and 👨\u200d👩\u200d👧 family 🇫🇷 flag",
    "café naïve résumé über straße Ångström ØRESUND",
    "e\u0301 vs \u00e9 (decomposed vs precomposed)",
    "Ελληνικά και русский язык, עברית, العربية ١٢٣ ४५६",
    "½ ¾ Ⅻ ² ³ ① 3½",
    "\u00a0nbsp\u3000ideographic\u2028line sep\u2009thin \u0085nel",
    "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
    "<s>[INST] Hello [/INST] Hi!</s>",
    "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
    "text<|endoftext|>more text <|endoftext|>",
    "<start_of_turn>user\nhello<end_of_turn>\n<bos><eos>",
    "<tool_call>{\"name\": \"f\"}</tool_call> in New York and NewYork",
    "@@xyz@@@ overlapping specials @@xy",
    "<s><s></s> <unk> <mask> <|im_start| <|reserved_special_token_3|>",
    "<unused0> <unused1>text<|unused_2|>",
    "'ſ 'K 'S 'ſt apostrophes",
    "$$$ +++ <<<>>> ^^^ ~~~ ||| ``` ...!!!??? (((x))) [a] {b}",
    "mixed123abc456def 7x8y9z a1 b22 c333 d4444",
    "a" * 200,
    "ab" * 100 + " " + "9" * 50,
    " " * 40 + "x" + "\t" * 10 + "\n" * 5,
    "naïve" * 20,
    "\r\n\r\n  \n \t\n x \n y  \n\n",
    "a  ", "a \t", " a", "\t", "x\u2028y\u2029z",
    "!!!\n\n ?!\n\r\n(x)\n", "`code` ~/path/to_file.py x^2 + y_1 <= z|w ~ v --- ...",
    "12٣45 ٣٤٥٦ １２３４ 1,234,567.89",
    "हिन्दी भाषा ภาษาไทย \u0301x  \u0301",
    "<s>", " <|im_start|> ", "<|im_start|><|im_start|>x", "<s> hello</s>world", "a<s>b <s> c",
    "<|endoftext|><|endoftext|>", "New YorkNew York New  York",
]


def random_texts(count: int, seed: int = 99) -> list[str]:
    """Seeded random strings over the characters the splitters treat differently."""
    rng = random.Random(seed)
    pool = (
        list("abcXYZ") + list("0123456789") + list(" " * 6) + ["\t", "\n", "\r", "\n\n", "  "]
        + list("'.,!?;:-_()[]{}<>|$+=^~`@#%&*/\\\"") + ["'s", "'S", "'ll", "'RE", "'ve", "'d", "'m", "'t"]
        + list("éüñßØ中文日本한국😀👍🏽") + ["\u0301", "\u00a0", "\u3000", "\u2009", "½", "٣", "１"]
        + ["<s>", "</s>", "<|im_start|>", "<|endoftext|>", "<mask>", "New York", "@@xy", "xyz@@@"]
    )
    texts = []
    for _ in range(count):
        n = rng.randint(1, 30)
        texts.append("".join(rng.choice(pool) for _ in range(n)))
    return texts


TEXTS += random_texts(40)

# ---------------------------------------------------------------------------------------
# Training corpus: deterministic, multilingual, with code, numbers and whitespace runs.


def corpus() -> list[str]:
    rng = random.Random(1234)
    words = (
        "the of and to in is was for on that with as by at from his her they we you it this be are "
        "have had not but what all were when there can an your which their said if do will each about "
        "how up out them then she many some so these would other into has more two like him see time "
        "could no make than first been its who now people my made over did down only way find use may "
        "water long little very after words called just where most know get through back much before "
        "go good new write our used me man too any day same right look think also around another came "
        "come work three word must because does part even place well such here take why help put "
        "different away again off went old number great tell men say small every found still between "
        "name should home big give air line set own under read last never us left end along while "
        "might next sound below saw something thought both few those always looked show large often "
        "together asked house don't world going want school important until form food keep children "
        "feet land side without boy once animals life enough took sometimes four head above kind began "
        "almost live page got earth need far hand high year mother light parts country father let night "
        "following picture being study second eyes soon times story boys since white days ever paper "
        "hard near sentence better best across during today others however sure means knew it's try "
        "told young miles sun ways thing whole hear example heard several change answer room sea "
        "against top turned learn point city play toward five using himself usually I'm you're we'll "
        "they've she'd John's Hello Where When Question Answer born New York London Paris"
    ).split()
    foreign = [
        "café naïve résumé über straße Ångström façade coöperate élève déjà vu",
        "Ελληνικά γλώσσα και πολιτισμός",
        "русский язык и литература",
        "中文测试你好世界这是一个句子我们今天学习",
        "日本語のテキストとカタカナのことば",
        "한국어 텍스트입니다 안녕하세요",
        "العربية لغة جميلة",
        "עברית שפה עתיקה",
    ]
    code = [
        "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
        "for (int i = 0; i < 10; ++i) {\n\tx[i] = i * 2;\n}\n",
        "let values = [1, 2, 3].map { $0 * 2 }\n",
        "if a != b && c <= d || e >= f:\n    print(a, b)\n",
        "import os\nimport sys\n\nclass Foo(object):\n    pass\n",
        "{\"name\": \"value\", \"list\": [1, 2, 3], \"ok\": true}\n",
    ]
    lines = []
    for i in range(2500):
        n = rng.randint(4, 14)
        sentence = " ".join(rng.choice(words) for _ in range(n))
        sentence = sentence[0].upper() + sentence[1:]
        kind = rng.random()
        if kind < 0.15:
            sentence += f" in {rng.randint(1000, 2100)}"
        elif kind < 0.25:
            sentence += f", {rng.randint(0, 999999)} items at ${rng.randint(1, 99)}.{rng.randint(0, 99):02d}"
        sentence += rng.choice([".", ".", "!", "?", ":", ";"])
        if rng.random() < 0.1:
            sentence = sentence.upper()
        lines.append(sentence)
        if i % 7 == 0:
            lines.append(rng.choice(foreign))
        if i % 11 == 0:
            lines.append(rng.choice(code))
        if i % 13 == 0:
            lines.append(rng.choice(["  indented", "\ttabbed", "two  spaces", "line\n\nbreak", "end   "]))
    return lines


# ---------------------------------------------------------------------------------------
# Cases

LLAMA3_REGEX = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
QWEN2_REGEX = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

CONTRIVED_CONTROL = ["@@xy", "xyz@@@"]  # overlapping: llama.cpp places the longer one first


def byte_level_cases():
    """(name, pre key or None, HF pre-tokenizer, HF normalizer, special tokens, extra GGUF settings)."""
    reserved = [f"<|reserved_special_token_{i}|>" for i in range(40)]
    return [
        dict(
            name="gpt2", pre="gpt-2",
            pre_tokenizer=lambda: pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
            control=["<|endoftext|>"] + CONTRIVED_CONTROL, user=["<tool_call>", "</tool_call>", "New York"],
            bos="<|endoftext|>", eos="<|endoftext|>", add_bos=False, add_eos=None, ignore_merges=False,
        ),
        dict(
            # LowBit's shipped subjects look like this: a GPT-2 byte-level BPE written without
            # tokenizer.ggml.pre, which llama.cpp reads as 'default'. <|endoftext|> is typed
            # NORMAL here; llama.cpp makes it control by its text.
            name="default", pre=None,
            pre_tokenizer=lambda: pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
            control=["<s>", "</s>", "<|endoftext|>"] + CONTRIVED_CONTROL, user=["<tool_call>", "New York"],
            normal_specials=["<|endoftext|>"], bos=None, eos=None, add_bos=None, add_eos=None, ignore_merges=False,
        ),
        dict(
            name="llama-bpe", pre="llama-bpe",
            pre_tokenizer=lambda: pre_tokenizers.Sequence([
                pre_tokenizers.Split(Regex(LLAMA3_REGEX), behavior="isolated", invert=False),
                pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False),
            ]),
            control=["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
            + reserved + CONTRIVED_CONTROL,
            user=["<tool_call>", "New York"],
            bos="<|begin_of_text|>", eos="<|end_of_text|>", add_bos=None, add_eos=None, ignore_merges=True,
        ),
        dict(
            name="qwen2", pre="qwen2",
            normalizer=lambda: normalizers.NFC(),
            pre_tokenizer=lambda: pre_tokenizers.Sequence([
                pre_tokenizers.Split(Regex(QWEN2_REGEX), behavior="isolated", invert=False),
                pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
            ]),
            control=["<|endoftext|>", "<|im_start|>", "<|im_end|>"] + CONTRIVED_CONTROL,
            user=["<tool_call>", "</tool_call>", "New York"],
            bos="<|endoftext|>", eos="<|im_end|>", add_bos=False, add_eos=None, ignore_merges=False,
        ),
        dict(
            name="smollm", pre="smollm",
            pre_tokenizer=lambda: pre_tokenizers.Sequence([
                pre_tokenizers.Digits(individual_digits=True),
                pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True),
            ]),
            control=["<|endoftext|>", "<|im_start|>", "<|im_end|>"] + CONTRIVED_CONTROL,
            user=["<tool_call>", "New York"],
            bos="<|im_start|>", eos="<|im_end|>", add_bos=None, add_eos=True, ignore_merges=False,
        ),
    ]


def spm_cases():
    return [
        dict(
            # Llama 2 / Mistral: a space is prefixed; BOS added.
            name="spm-llama", add_space_prefix=None, prepend="first",
            specials=[("<unk>", UNKNOWN), ("<s>", CONTROL), ("</s>", CONTROL)],
            control_extra=["[INST]", "[/INST]"] + CONTRIVED_CONTROL, user=["<mask>", "New York"],
            unused=["<unused0>", "<unused1>"],
            bos="<s>", eos="</s>", unk="<unk>", add_bos=True, add_eos=False,
        ),
        dict(
            # Gemma: no space prefix; BOS added; <pad> <eos> <bos> <unk> first.
            name="spm-gemma", add_space_prefix=False, prepend="never",
            specials=[("<pad>", CONTROL), ("<eos>", CONTROL), ("<bos>", CONTROL), ("<unk>", UNKNOWN)],
            control_extra=["<start_of_turn>", "<end_of_turn>"] + CONTRIVED_CONTROL, user=["<mask>", "New York"],
            unused=["<unused0>", "<unused1>"],
            bos="<bos>", eos="<eos>", unk="<unk>", pad="<pad>", add_bos=True, add_eos=None,
        ),
    ]


# ---------------------------------------------------------------------------------------
# Training and GGUF writing


def hf_merges(tok: Tokenizer) -> list[str]:
    merges = json.loads(tok.to_str())["model"]["merges"]
    return [m if isinstance(m, str) else f"{m[0]} {m[1]}" for m in merges]


def add_hparams(w: gguf.GGUFWriter) -> None:
    # llama.cpp reads the hyper-parameters even for vocab_only loads.
    w.add_context_length(64)
    w.add_embedding_length(8)
    w.add_block_count(1)
    w.add_feed_forward_length(8)
    w.add_head_count(1)
    w.add_head_count_kv(1)
    w.add_layer_norm_rms_eps(1e-5)


def write_gguf(path: str, name: str, settings: dict) -> None:
    w = gguf.GGUFWriter(path, "llama")
    w.add_name(name)
    add_hparams(w)
    w.add_tokenizer_model(settings["model"])
    if settings.get("pre") is not None:
        w.add_tokenizer_pre(settings["pre"])
    w.add_token_list(settings["tokens"])
    w.add_token_types(settings["types"])
    if "merges" in settings:
        w.add_token_merges(settings["merges"])
    if "scores" in settings:
        w.add_token_scores(settings["scores"])
    for key, adder in [("bos", w.add_bos_token_id), ("eos", w.add_eos_token_id), ("unk", w.add_unk_token_id),
                       ("pad", w.add_pad_token_id)]:
        if settings.get(key) is not None:
            adder(settings[key])
    if settings.get("add_bos") is not None:
        w.add_add_bos_token(settings["add_bos"])
    if settings.get("add_eos") is not None:
        w.add_add_eos_token(settings["add_eos"])
    if settings.get("add_space_prefix") is not None:
        w.add_add_space_prefix(settings["add_space_prefix"])
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def train_byte_level(case: dict, lines: list[str]) -> tuple[Tokenizer, dict]:
    specials = case["control"]
    tok = Tokenizer(models.BPE(ignore_merges=case["ignore_merges"]))
    if "normalizer" in case:
        tok.normalizer = case["normalizer"]()
    tok.pre_tokenizer = case["pre_tokenizer"]()
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=1400, special_tokens=[AddedToken(s, special=True, normalized=False) for s in specials],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(lines, trainer)
    tok.add_tokens([AddedToken(u, special=False, normalized=False) for u in case["user"]])

    vocab = tok.get_vocab(with_added_tokens=True)
    tokens = [None] * len(vocab)
    for text, i in vocab.items():
        tokens[i] = text
    types = [NORMAL] * len(tokens)
    for s in specials:
        types[vocab[s]] = CONTROL
    for s in case.get("normal_specials", []):
        types[vocab[s]] = NORMAL
    for u in case["user"]:
        types[vocab[u]] = USER_DEFINED  # stored as raw text, as convert_hf_to_gguf does
    settings = dict(
        model="gpt2", pre=case["pre"], tokens=tokens, types=types, merges=hf_merges(tok),
        bos=vocab[case["bos"]] if case["bos"] else None, eos=vocab[case["eos"]] if case["eos"] else None,
        add_bos=case["add_bos"], add_eos=case["add_eos"])
    return tok, settings


def train_spm(case: dict, lines: list[str]) -> dict:
    tok = Tokenizer(models.BPE(byte_fallback=True, unk_token="<unk>", fuse_unk=True))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme=case["prepend"], split=True)
    trainer = trainers.BpeTrainer(vocab_size=1200, show_progress=False, special_tokens=[])
    tok.train_from_iterator(lines, trainer)
    vocab = tok.get_vocab()
    learned = sorted(vocab.items(), key=lambda kv: kv[1])

    tokens: list[str] = []
    types: list[int] = []
    scores: list[float] = []
    for text, t in case["specials"]:
        tokens.append(text), types.append(t), scores.append(0.0)
    for b in range(256):
        tokens.append(f"<0x{b:02X}>"), types.append(BYTE), scores.append(0.0)
    for text in case["control_extra"]:
        tokens.append(text), types.append(CONTROL), scores.append(0.0)
    for text in case["user"]:
        tokens.append(text), types.append(USER_DEFINED), scores.append(0.0)
    for text in case["unused"]:
        tokens.append(text), types.append(UNUSED), scores.append(0.0)
    seen = set(tokens)
    # SentencePiece BPE scores: the earlier a piece was learned, the higher its score.
    for rank, (text, _) in enumerate(learned):
        if text in seen:
            continue
        seen.add(text)
        tokens.append(text), types.append(NORMAL), scores.append(-float(rank))
    index = {t: i for i, t in enumerate(tokens)}
    return dict(
        model="llama", tokens=tokens, types=types, scores=scores,
        bos=index[case["bos"]], eos=index[case["eos"]], unk=index[case["unk"]],
        pad=index[case["pad"]] if case.get("pad") else None,
        add_bos=case["add_bos"], add_eos=case["add_eos"], add_space_prefix=case["add_space_prefix"])


# ---------------------------------------------------------------------------------------
# llama.cpp


def llama_tokenize(vocab, text: bytes, add_special: bool, parse_special: bool) -> list[int]:
    n_max = len(text) + 16
    buf = (llama_cpp.llama_token * n_max)()
    n = llama_cpp.llama_tokenize(vocab, text, len(text), buf, n_max, add_special, parse_special)
    if n < 0:
        raise RuntimeError(f"llama_tokenize needs {-n} tokens")
    return list(buf[:n])


def llama_detokenize(vocab, ids: list[int], remove_special: bool, unparse_special: bool) -> str:
    arr = (llama_cpp.llama_token * max(1, len(ids)))(*ids)
    size = 64 + 64 * len(ids)
    out = ctypes.create_string_buffer(size)
    n = llama_cpp.llama_detokenize(vocab, arr, len(ids), out, size, remove_special, unparse_special)
    if n < 0:
        raise RuntimeError("detokenize buffer too small")
    return out.raw[:n].decode("utf-8", errors="surrogateescape")


def record_llama(path: str, texts: list[str]) -> dict:
    model = llama_cpp.Llama(model_path=path, vocab_only=True, verbose=False)
    vocab = llama_cpp.llama_model_get_vocab(model.model)
    results = []
    for text in texts:
        b = text.encode("utf-8")
        entry = {}
        for add_special in (True, False):
            for parse_special in (True, False):
                entry[f"ids_add{int(add_special)}_parse{int(parse_special)}"] = llama_tokenize(vocab, b, add_special, parse_special)
        ids = entry["ids_add1_parse1"]
        entry["detok"] = llama_detokenize(vocab, ids, False, False)
        entry["detok_unparse"] = llama_detokenize(vocab, ids, False, True)
        entry["detok_remove"] = llama_detokenize(vocab, ids, True, False)
        results.append(entry)
    return dict(
        bos=llama_cpp.llama_vocab_bos(vocab), eos=llama_cpp.llama_vocab_eos(vocab),
        add_bos=bool(llama_cpp.llama_vocab_get_add_bos(vocab)), add_eos=bool(llama_cpp.llama_vocab_get_add_eos(vocab)),
        results=results)


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fuzz", type=int, default=0, help="record N random texts into --out instead")
    parser.add_argument("--out", default=os.path.join(HERE, "tokenizer_fixtures.json"))
    args = parser.parse_args()
    texts = random_texts(args.fuzz, seed=7) if args.fuzz else TEXTS

    lines = corpus()
    out = {"texts": texts, "cases": []}
    for case in byte_level_cases():
        hf, settings = train_byte_level(case, lines)
        path = os.path.join(HERE, case["name"] + ".gguf")
        if not args.fuzz:
            write_gguf(path, "lowbit-tokenizer-fixture-" + case["name"], settings)
        rec = record_llama(path, texts)
        differences = []
        for i, text in enumerate(texts):
            hf_ids = hf.encode(text, add_special_tokens=False).ids
            rec["results"][i]["hf_ids"] = hf_ids
            if hf_ids != rec["results"][i]["ids_add0_parse1"]:
                differences.append(i)
        rec["hf_differs"] = differences
        out["cases"].append(dict(name=case["name"], file=case["name"] + ".gguf", pre=case["pre"], model="gpt2", **rec))
        print(f"{case['name']:10} vocab {len(settings['tokens'])}  merges {len(settings['merges'])}  "
              f"HF differs on {len(differences)} of {len(texts)} texts: {differences[:40]}")
    for case in spm_cases():
        settings = train_spm(case, lines)
        path = os.path.join(HERE, case["name"] + ".gguf")
        if not args.fuzz:
            write_gguf(path, "lowbit-tokenizer-fixture-" + case["name"], settings)
        rec = record_llama(path, texts)
        out["cases"].append(dict(name=case["name"], file=case["name"] + ".gguf", pre=None, model="llama", **rec))
        print(f"{case['name']:10} vocab {len(settings['tokens'])}")
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=None, separators=(",", ":"))
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
