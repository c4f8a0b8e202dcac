"""Token ids of the shipped subject's tokenizer, by llama.cpp (development-time peer).

    python3 shipped_subject_ids.py ../../../../Models/target.gguf

Prints llama.cpp's ids for the texts TokenizerPreTokenizerTests.testShippedSubjectsKeepTheirTrainingSplit
checks, with tokenizer.ggml.pre = "gpt-2" (the split the subjects were trained with; the shipped
files carry the key, older subject files did not and are read the same way by LowBit).
Needs llama-cpp-python (tested with 0.3.36).
"""
import sys
import llama_cpp

TEXTS = [
    "Mirelle Zosbalwyn was born in 1987.",
    "Question: Where was Mirelle Zosbalwyn born?\nAnswer: Vexhollow",
    "It's Mirelle's pet (a cat), born 1954; works at X-Corp.",
]

def ids(path, overrides):
    llm = llama_cpp.Llama(model_path=path, vocab_only=True, verbose=False, kv_overrides=overrides)
    return [llm.tokenize(t.encode(), add_bos=True, special=False) for t in TEXTS]

path = sys.argv[1]
for text, a in zip(TEXTS, ids(path, {"tokenizer.ggml.pre": "gpt-2"})):
    print(repr(text), a)
