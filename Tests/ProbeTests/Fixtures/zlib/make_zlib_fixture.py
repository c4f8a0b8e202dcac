"""Records len(zlib.compress(x)) (CPython's zlib, default level 6) for ZlibLengthTests.

    python3 make_zlib_fixture.py > lengths.json

Inputs: every string of the shipped corpus's privleak and verbmem files (read by the test
from Models/data), the raw/*.txt files whole (up to 250 KB: several blocks and a sliding
window), and synthetic inputs that both sides generate: repeated patterns and bytes from a
64-bit LCG (x = x * 6364136223846793005 + 1442695040888963407 mod 2^64, byte = x >> 56).
"""
import json, zlib, os, sys

root = os.path.join(os.path.dirname(__file__), "../../../../Models/data")

def lcg_bytes(seed, n):
    x = seed; out = bytearray()
    for _ in range(n):
        x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        out.append(x >> 56)
    return bytes(out)

def lcg_text(seed, n, alphabet):
    b = lcg_bytes(seed, n)
    return bytes(alphabet[c % len(alphabet)] for c in b)

synthetic = []
def add(name, data): synthetic.append({"name": name, "length": len(zlib.compress(data)), "bytes": len(data)})

add("empty", b"")
add("a", b"a")
for n in [2, 3, 4, 100, 258, 259, 1000, 70000]:
    add(f"a*{n}", b"a" * n)
for n in [10, 300, 5000, 40000, 150000]:
    add(f"abc*{n}", b"abc" * n)
for seed, n in [(1, 64), (2, 1000), (3, 20000), (4, 70000)]:
    add(f"random:{seed}:{n}", lcg_bytes(seed, n))
for seed, n in [(5, 3000), (6, 30000), (7, 100000)]:
    add(f"letters:{seed}:{n}", lcg_text(seed, n, b"abcdefgh "))

files = {}
for rel in ["privleak/forget.json", "privleak/holdout.json", "privleak/retain.json", "verbmem/forget.json"]:
    items = json.load(open(os.path.join(root, rel)))
    texts = [x if isinstance(x, str) else x["gt"] for x in items]
    files[rel] = [len(zlib.compress(t.encode("utf-8"))) for t in texts]
for rel in ["raw/forget.txt", "raw/retain1.txt", "raw/holdout.txt"]:
    files[rel] = [len(zlib.compress(open(os.path.join(root, rel), "rb").read()))]

json.dump({"zlib": zlib.ZLIB_RUNTIME_VERSION, "synthetic": synthetic, "files": files}, sys.stdout, indent=1)
