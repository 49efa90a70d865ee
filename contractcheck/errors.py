"""Errors that stop a check from running at all (exit code 2).

Problems *in* the data (a value that does not parse, a missing column) are findings, not errors;
these are for input that cannot be read, rules that cannot be loaded, and bad usage. Each one carries
enough position to be rendered as a single line a contract officer can act on.
"""

from __future__ import annotations

from enum import IntEnum

from contractcheck.position import Position


class ExitCode(IntEnum):
    """What the command line's exit status means (``docs/report.md``: exit codes)."""

    OK = 0  #: checked, and nothing failing at or above ``--fail-on`` (or: lint/rules test found nothing)
    FINDINGS = 1  #: checked, and something failing at or above ``--fail-on`` (or: lint/rules test found problems)
    ERROR = 2  #: could not check: bad input, bad rules or schedule, bad usage (one line on stderr)
    INTERRUPTED = 130  #: stopped by the user (Ctrl-C)


#: Every error code a one-line error can carry, with what it means. Codes are stable: scripts may match on them.
#: (Problems *in* the data are findings with rule ids such as DATA-03, listed by ``contractcheck rules list``.)
ERROR_CODES: dict[str, str] = {
    "LOAD": "the return or bid file cannot be read: missing, empty, corrupt, encrypted, too large or not a table",
    "USAGE": "the command or API call was used wrongly: unknown schedule, bad option or --set value",
    "OUTPUT": "the report cannot be written where --output says: no permission, a full disk",
    "ASOF": "the return or bid lacks the date its schedule judges on, or it cannot be read (give --as-of)",
    "INTERNAL": "a bug in contractcheck: the check stopped; please report it with the command that caused it",
    "RULE": "a rule, schedule or waiver file is invalid (no more specific code)",
    "RULE000": "a rule file is not a mapping with a 'rules:' list, or a rules path does not exist",
    "RULE001": "a rule (or a waiver) has an unknown key, a missing key or a value of the wrong kind",
    "RULE002": "a rule id is defined twice with effective dates that overlap",
    "RULE004": "a rule parameter has no value, or a value that is not of its declared type",
    "RULE005": "a parameter or let name is malformed or clashes with a field name",
    "RULE006": "a rule's message or measure names something the rule does not define",
    "EXPR001": "a rule expression cannot be accepted: unknown name, wrong types, a function misused",
    "SCHED000": "a schedule file is not a mapping of keys",
    "SCHED001": "a schedule includes a rule that does not exist",
    "SCHED002": "a schedule sets parameters or overrides for a rule it does not include",
    "SCHED003": "a schedule sets a parameter the rule does not declare",
    "SCHED004": "schedules extend each other in a cycle, or in a chain deeper than 32",
    "SCHED005": "a schedule adds words to a vocabulary or value that does not exist, or a word that means another",
    "YAML000": "a YAML file cannot be opened or is not UTF-8 text",
    "YAML001": "a YAML file cannot be parsed (or uses a Python object tag)",
    "YAML002": "a key is written twice in one mapping of a YAML file",
    "YAML003": "a date in a YAML file is not a real date",
    "TEMPLATE": "a --template folder, or an HTML report template in it, is missing, unreadable or broken",
    "REF000": "a --reference file is not a pay-rate table (no 'statutory_periods:' or 'periods:'), or two of a kind",
    "REF001": "a --reference pay-rate table has an unknown key, a missing key or a value of the wrong kind",
    "WAIVER000": "a waiver file is not a mapping with a 'waivers:' list",
    "WAIVER001": "a waiver has an unknown key, a missing key or a bad value",
    "WAIVER002": "the same waiver (rule, subject and contract) is written twice in a waiver file",
    "LINT000": "(rules lint) a YAML file is neither a rule file nor a schedule",
    "LINT001": "(rules lint) a rule declares a parameter that nothing uses",
    "LINT002": "(rules lint) a rule has no example that passes, or none that fails",
    "CC000": "a problem with no more specific code",
}


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


class OutputError(ContractcheckError):
    """The report cannot be written where the command was told to write it (no permission, disk full)."""

    code = "OUTPUT"


class TemplateError(ContractcheckError):
    """An HTML report template (shipped, or a council's own given with ``--template``) cannot be found, read,
    parsed or rendered."""

    code = "TEMPLATE"


class UsageError(ContractcheckError):
    """The command was called wrongly (unknown schedule, bad option value)."""

    code = "USAGE"


class GivenValueError(UsageError):
    """A contract or bid value given beside the file (``check(set_values=...)``, the CLI's ``--set``) is not
    a contract or bid field, or does not read as its type. ``key`` and ``text`` are what was given,
    ``problem`` what is wrong with it, in words; the message names neither API nor flag."""

    def __init__(self, key: str, text: str, problem: str) -> None:
        super().__init__(f"contract value {key}={text}: {problem}")
        self.key = key
        self.text = text
        self.problem = problem
