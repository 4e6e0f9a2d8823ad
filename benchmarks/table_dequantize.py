"""Print the dequantize benchmark table (see ggufkit/_bench_dequant.py). Usage:
    python benchmarks/table_dequantize.py [--quick] [TYPE ...]
"""
import argparse

from ggufkit import _bench_dequant


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="a 1024-row tensor, fewer repetitions")
    ap.add_argument("types", nargs="*", help="type names (default: every type)")
    args = ap.parse_args()
    rows = _bench_dequant.run(quick=args.quick, types=args.types or None)
    print(_bench_dequant.format_table(rows))


if __name__ == "__main__":
    main()
