"""Fixtures of the CLI tests."""

from __future__ import annotations

import subprocess

import pytest

from indicators.cli import main


@pytest.fixture
def run(capsys):
    """Run the CLI in-process: (exit status, stdout, stderr); usage errors exit 2 via SystemExit."""
    def call(*args: str) -> subprocess.CompletedProcess:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(list(args), code, out, err)
    return call
