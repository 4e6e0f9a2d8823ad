"""Print the matmul benchmark table: python benchmarks/table_matmul.py [--quick] [--types Q4_0,Q8_0]."""
import argparse

from ggufkit import _bench_matmul

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    p.add_argument("--types", default=None, help="comma-separated type names")
    a = p.parse_args()
    rows = _bench_matmul.run(quick=a.quick, types=a.types.split(",") if a.types else None)
    print(_bench_matmul.format_table(rows))
