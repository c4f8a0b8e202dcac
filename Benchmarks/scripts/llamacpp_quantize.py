#!/usr/bin/env python3
"""Quantize a GGUF file with llama.cpp's own quantizer (development only).

    python3 Benchmarks/scripts/llamacpp_quantize.py IN.gguf OUT.gguf TYPE [--pure]

TYPE is a llama-quantize name (Q4_0, Q8_0, Q4_K_M, Q2_K, ...). Needs llama-cpp-python
(`pip install llama-cpp-python`), which builds llama.cpp from source; it is never a LowBit
dependency. Uses llama_model_quantize with the default parameters (no importance matrix),
i.e. the reference quantizers LowBit reproduces.
"""
import sys

import llama_cpp

FTYPES = {
    "F32": 0, "F16": 1, "Q4_0": 2, "Q4_1": 3, "Q8_0": 7, "Q5_0": 8, "Q5_1": 9, "Q2_K": 10,
    "Q3_K_S": 11, "Q3_K_M": 12, "Q3_K_L": 13, "Q4_K_S": 14, "Q4_K_M": 15, "Q5_K_S": 16,
    "Q5_K_M": 17, "Q6_K": 18, "BF16": 32,
}


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 3 or args[2].upper() not in FTYPES:
        print(__doc__)
        return 2
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = FTYPES[args[2].upper()]
    params.pure = "--pure" in sys.argv
    params.nthread = 2
    rc = llama_cpp.llama_model_quantize(args[0].encode(), args[1].encode(), params)
    if rc != 0:
        print(f"llama_model_quantize failed with {rc}", file=sys.stderr)
    return int(rc != 0)


if __name__ == "__main__":
    sys.exit(main())
