"""The ggufkit command line (subcommands are added by their families)."""
import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ggufkit", description="Inspect and process GGUF model files.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("cpu", help="show CPU features and which kernel tier serves each type")
    p.set_defaults(func=_cmd_cpu)
    args = parser.parse_args(argv)
    return args.func(args) or 0


def _cmd_cpu(args) -> int:
    import json
    import ggufkit
    print(json.dumps(ggufkit.cpu_info(), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
