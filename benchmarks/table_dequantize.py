"""Print the dequantize benchmark table (see ggufkit/_bench_dequant.py). Usage:
    python benchmarks/table_dequantize.py [--quick] [--reps N] [TYPE ...]
    python benchmarks/table_dequantize.py --incache [TYPE ...]   (kernel speed in L2, every tier)
"""
import argparse

from ggufkit import _bench_dequant


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="a 1024-row tensor, fewer repetitions")
    ap.add_argument("--reps", type=int, default=None, help="best of this many runs (default 3, quick 2)")
    ap.add_argument("--incache", action="store_true",
                    help="time each tier's kernel (and ggml's) on a 512 KB output instead: kernel speed, not DRAM")
    ap.add_argument("types", nargs="*", help="type names (default: every type)")
    args = ap.parse_args()
    if args.incache:
        rows = _bench_dequant.run_incache(types=args.types or None)
        print(_bench_dequant.format_incache(rows))
        return
    rows = _bench_dequant.run(quick=args.quick, types=args.types or None, reps=args.reps)
    print(_bench_dequant.format_table(rows))


if __name__ == "__main__":
    main()
