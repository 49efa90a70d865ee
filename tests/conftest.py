"""Shared helpers: run the CLI in-process as a user would, and find the repository's files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from contractcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run `contractcheck ARGS…` from the repository root; returns exit code, stdout and stderr."""
    monkeypatch.chdir(ROOT)

    def run(*args: str) -> CliResult:
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(autouse=True)
def _fixed_home(monkeypatch):
    monkeypatch.delenv("CONTRACTCHECK_HOME", raising=False)
    yield
    os.environ.pop("CONTRACTCHECK_HOME", None)
