"""The one vocabulary of value types: what a cell, a rule parameter and an expression may hold.

The same words everywhere — in ``return_format.yaml`` (a field's ``type``), in a rule's ``params`` and in the
expression language's type checker — so nothing translates between them:

- ``text``, ``number``, ``money`` (GBP), ``percent`` (a fraction: 0.125 is 12.5%), ``date``, ``yesno``
  (true/false: what a condition gives, and a Y/N column);
- ``list`` (a fixed list of texts or numbers, e.g. a parameter of job roles);
- ``table`` (an expression naming a whole table, only as an aggregate's first argument).

A field may be any of the first six; a parameter any but ``table``.
"""

from __future__ import annotations

from typing import Literal

ValueType = Literal["text", "number", "money", "percent", "date", "yesno", "list", "table"]
FieldType = Literal["text", "number", "money", "percent", "date", "yesno"]
ParamType = Literal["text", "number", "money", "percent", "date", "yesno", "list"]

#: the types arithmetic works on (money and percent are numbers with a unit)
NUMERIC: frozenset[str] = frozenset({"number", "money", "percent"})

#: how each type is named to a reader (handbook, catalogue, error messages)
TYPE_WORDS: dict[str, str] = {"text": "text", "number": "number", "money": "money (£)", "percent": "percentage",
                              "date": "date", "yesno": "yes/no", "list": "list", "table": "table"}
