"""Errors that stop a check from running at all (exit code 2).

Problems *in* the data (a value that does not parse, a missing column) are findings, not errors;
these are for input that cannot be read, rules that cannot be loaded, and bad usage. Each one carries
enough position to be rendered as a single line a contract officer can act on.
"""

from __future__ import annotations

from contractcheck.position import Position


#: errors name their place with the one position type (kept under this name for callers of the API)
Location = Position


class ContractcheckError(Exception):
    """A problem that means the check could not be done; rendered as one line, exit code 2."""

    code: str = "CC000"

    def __init__(self, message: str, *, code: str | None = None, location: Location | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.location = location or Location()

    def __str__(self) -> str:
        return self.one_line()

    def one_line(self) -> str:
        where = self.location.render()
        text = f"{where}: {self.message}" if where else self.message
        return " ".join(f"error {self.code}: {text}".split())


class InputError(ContractcheckError):
    """The return or bid file cannot be read (missing, corrupt, encrypted, empty, wrong shape)."""

    code = "LOAD"


class RuleError(ContractcheckError):
    """A rule, schedule or waiver file is invalid (YAML, schema, expression)."""

    code = "RULE"


class UsageError(ContractcheckError):
    """The command was called wrongly (unknown schedule, bad option value)."""

    code = "USAGE"
