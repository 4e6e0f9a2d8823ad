"""Run in a subprocess by tests/test_malformed.py, so that a crash fails the test instead of killing
pytest: every truncation of a small valid file and N seeded random mutations of it, each parsed and
(when it parses) read in full. Anything but a clean parse or a GGUFError is reported and exits 1.

usage: python mutate.py SEED N
"""
import json
import os
import random
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from ggufkit import GGUFError  # noqa: E402
from ggufkit._file import GGUFFile  # noqa: E402
from helpers.gguf_build import small_valid_file  # noqa: E402


def touch_everything(f):
    """Read every value and every tensor byte: the lazy paths must be as safe as the parser."""
    for key in f.metadata:
        try:
            v = f.metadata[key]
        except GGUFError:
            continue  # e.g. a string value that is not UTF-8
        stack = [v]
        while stack:
            x = stack.pop()
            if isinstance(x, list):
                stack.extend(x)
            elif isinstance(x, np.ndarray):
                x.tobytes()
            elif hasattr(x, "raw"):  # StringArray
                for i in range(len(x)):
                    x.raw(i)
                    try:
                        x[i]
                    except GGUFError:
                        pass
    for t in f.tensors.values():
        d = t.data
        assert d.nbytes == t.nbytes
        d.tobytes()
    f.verify()


def check(buf, what, stats):
    try:
        f = GGUFFile._from_buffer(buf)
    except GGUFError as e:
        if e.offset is None or not (0 <= e.offset <= len(buf) + 4096):
            raise AssertionError(f"{what}: GGUFError without a sane offset: {e}")
        stats["error"] += 1
        return
    touch_everything(f)
    stats["valid"] += 1


def mutate(rng, base):
    b = bytearray(base)
    kind = rng.randrange(5)
    if kind == 0:  # a few random bytes
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == 1:  # single bit flip
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    elif kind == 2:  # an extreme 8-byte (or 4-byte) value at a random place
        width = rng.choice([4, 8])
        i = rng.randrange(len(b) - width)
        v = rng.choice([0, 1, 2**31, 2**32 - 1, 2**62, 2**63, 2**64 - 1, rng.randrange(2**64)])
        b[i:i + width] = (v % (1 << (8 * width))).to_bytes(width, rng.choice(["little", "big"]))
    elif kind == 3:  # delete or duplicate a slice
        i = rng.randrange(len(b))
        j = min(len(b), i + rng.randint(1, 16))
        if rng.random() < 0.5:
            del b[i:j]
        else:
            b[i:i] = b[i:j]
    else:  # mutation + truncation
        b[rng.randrange(len(b))] ^= 0xFF
        del b[rng.randrange(len(b)):]
    return bytes(b)


def main():
    seed, n = int(sys.argv[1]), int(sys.argv[2])
    stats = {"error": 0, "valid": 0, "truncations": 0, "mutations": 0}
    bases = [small_valid_file("<"), small_valid_file(">")]
    for base in bases:
        check(base, "base", stats)
        for cut in range(len(base)):
            check(base[:cut], f"truncation at {cut}", stats)
            stats["truncations"] += 1
    rng = random.Random(seed)
    for i in range(n):
        base = bases[i % 2]
        buf = mutate(rng, base)
        try:
            check(buf, f"mutation {i}", stats)
        except Exception:
            print(f"mutation {i} (seed {seed}) failed: bytes {buf.hex()}", file=sys.stderr)
            traceback.print_exc()
            return 1
        stats["mutations"] += 1
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
