"""Every command documents itself: its help is its module docstring with an example, and every option it takes
is named in the README's "Command line" section."""

import argparse
import re
from pathlib import Path

import pytest

from metrics import load, report

README = Path(__file__).resolve().parent.parent.parent / "README.md"


def readme_section() -> str:
    text = README.read_text()
    return re.search(r"^## Command line\n(.*?)^## ", text, re.S | re.M).group(1)


@pytest.mark.parametrize("command", [load, report], ids=["load", "report"])
def test_help_and_readme_name_every_option(command, capsys):
    assert command.main(["--help"]) == 0
    help_text = capsys.readouterr().out
    assert "Example" in command.__doc__ and command.__doc__.split("\n")[0] in help_text
    section = readme_section()
    assert f"python -m metrics.{command.__name__.rsplit('.', 1)[1]} --workspace W" in section
    options = [o for a in command.build_parser()._actions if a.help != argparse.SUPPRESS
               for o in a.option_strings if o.startswith("--") and o != "--help"]
    assert options, "the parser has options"
    missing = [o for o in options if o not in section]
    assert not missing, f"README 'Command line' does not mention {missing}"


def test_help_is_fast_to_reach():
    """--help must not import the data stack (DuckDB, pandas): the commands import it only when they run."""
    import subprocess
    import sys

    code = ("import sys; from metrics import load, report; load.main(['--help']); report.main(['--help']); "
            "print(sorted(m for m in ('duckdb', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=README.parent).stdout
    assert out.strip().endswith("[]")
