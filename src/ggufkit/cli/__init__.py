"""The ggufkit command line (subcommands are added by their families)."""
import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ggufkit", description="Inspect and process GGUF model files.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("cpu", help="show CPU features and which kernel tier serves each type")
    p.set_defaults(func=_cmd_cpu)
    p = sub.add_parser("inspect", help="show a GGUF file's header, metadata and tensors")
    p.add_argument("path", help="a .gguf file")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--no-tensors", action="store_true", help="leave out the tensor list")
    p.add_argument("--full", action="store_true", help="print arrays and long strings in full")
    p.set_defaults(func=_cmd_inspect)
    p = sub.add_parser("bench", help="measure open / dequantize / quantize / matmul against gguf-py and bandwidth")
    p.add_argument("--quick", action="store_true", help="small sizes and few repeats (about a minute)")
    p.add_argument("--only", default=None,
                   help="comma-separated families to run: open, dequant, quant, matmul (default: all)")
    p.set_defaults(func=_cmd_bench)
    args = parser.parse_args(argv)
    return args.func(args) or 0


def _cmd_cpu(args) -> int:
    import json
    import ggufkit
    print(json.dumps(ggufkit.cpu_info(), indent=1))
    return 0


def _cmd_inspect(args) -> int:
    from ._inspect import inspect
    return inspect(args)


def _cmd_bench(args) -> int:
    from .._bench import run
    families = [f.strip() for f in args.only.split(",")] if args.only else None
    run(families, quick=args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
