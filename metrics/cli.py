"""What the command-line tools (metrics.load, report, docs, export, build) share."""

from __future__ import annotations

import argparse


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace | int:
    """The parsed arguments, or the exit status argparse chose: 0 after --help, 2 after a usage error (already
    explained on stderr). Each tool's main() returns that status instead of exiting, so tests and wrappers (the
    benches, a nightly job in Python) can call main() and read it."""
    try:
        return parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
