"""Print the quantize benchmark table: ggufkit (1 and 2 threads) vs gguf-py vs ggml, and RMSE.

    python benchmarks/table_quantize.py [--quick] [TYPE ...]
"""
import argparse

from ggufkit import _bench_quant


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller workloads, fewer repetitions")
    ap.add_argument("types", nargs="*", help="type names (default: every type ggufkit quantizes)")
    args = ap.parse_args()
    print(_bench_quant.format_table(_bench_quant.run(quick=args.quick, types=args.types or None)))


if __name__ == "__main__":
    main()
