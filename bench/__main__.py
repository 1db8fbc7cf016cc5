"""`python -m bench NAME [--quick] [--json]` and `python -m bench all [--quick] [--json]`.

stdout carries the human table and, with --json, one JSON object as its very last line, so
a script can take `tail -n 1`; progress goes to stderr. Exit status: 0 when every check held
(a skipped database is not a failure), 1 when a check failed, 2 on a usage error.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.core import DATABASES, BenchReport, RunConfig
from bench.registry import BENCHMARKS, Benchmark


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="a small size that runs in seconds")
    parser.add_argument(
        "--db",
        choices=[*DATABASES, "both"],
        default="both",
        help="database(s) to run on (default: both)",
    )
    parser.add_argument(
        "--json", action="store_true", help="end stdout with one JSON object of the results"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="write cProfile stats of each timed section to DIR (slows the run: its timings "
        "are then not comparable with an unprofiled run's)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="name", required=True, metavar="NAME")
    for benchmark in BENCHMARKS.values():
        sub = commands.add_parser(benchmark.name, help=benchmark.description)
        _common_options(sub)
        sub.add_argument(
            f"--{benchmark.size_name}",
            dest="size",
            type=_positive,
            metavar="N",
            help=f"default {benchmark.full_size:,}, {benchmark.quick_size:,} with --quick",
        )
        for name, default, text in benchmark.options:
            sub.add_argument(
                f"--{name}", type=int, default=default, metavar="N", help=f"{text} ({default})"
            )
    everything = commands.add_parser("all", help="run every benchmark")
    _common_options(everything)
    return parser


def _databases(choice: str) -> tuple[str, ...]:
    return DATABASES if choice == "both" else (choice,)


def _run(benchmark: Benchmark, args: argparse.Namespace) -> BenchReport:
    size = benchmark.size(quick=args.quick, explicit=getattr(args, "size", None))
    config = RunConfig(
        size=size,
        databases=_databases(args.db),
        quick=args.quick,
        profile_dir=args.profile,
        options={name: getattr(args, name, default) for name, default, _text in benchmark.options},
    )
    return benchmark.load()(config)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    chosen = list(BENCHMARKS.values()) if args.name == "all" else [BENCHMARKS[args.name]]
    reports = [_run(benchmark, args) for benchmark in chosen]
    for report in reports:
        print("\n".join(report.lines), end="\n\n")
    if args.json:
        summary = (
            reports[0].summary
            if args.name != "all"
            else {"bench": "all", "results": [report.summary for report in reports]}
        )
        print(json.dumps(summary, ensure_ascii=False), flush=True)
    failed = [report.name for report in reports if not report.ok]
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
