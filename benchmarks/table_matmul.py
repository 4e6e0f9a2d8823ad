"""Print the matmul benchmark table.

python benchmarks/table_matmul.py [--quick] [--types Q4_0,Q8_0] [--parts l3,big,gemm] [--threads 1,2]
With GGUFKIT_GGML_LIB set (see ggufkit._bench_matmul._ggml_vec_dot), the m = 1 rows also time ggml's
vec_dot in the same run.
"""
import argparse

from ggufkit import _bench_matmul

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    p.add_argument("--types", default=None, help="comma-separated type names")
    p.add_argument("--parts", default="l3,big,gemm", help="comma-separated: l3, big, gemm")
    p.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    a = p.parse_args()
    rows = _bench_matmul.run(quick=a.quick, types=a.types.split(",") if a.types else None,
                             threads=tuple(int(t) for t in a.threads.split(",")),
                             parts=tuple(a.parts.split(",")))
    print(_bench_matmul.format_table(rows))
