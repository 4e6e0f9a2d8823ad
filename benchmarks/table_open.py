"""Print the open benchmark table: ggufkit vs gguf-py's GGUFReader on a 256,000-token, ~1 GB file
(each measured in a fresh subprocess for peak RSS). --quick: 32,000 tokens, ~0.1 GB."""
import argparse

from ggufkit._bench_open import format_table, run

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    print(format_table(run(quick=args.quick)))
