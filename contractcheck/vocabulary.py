"""Vocabularies: the canonical value of a coded field and the other words and codes providers write for it.

The vocabularies live in ``data/vocabularies.yaml`` (facts with their sources); a field of the return format names
its vocabulary (``return_format.yaml``, ``vocabulary:``) and the normaliser reads its cells through it, so a rule
compares canonical values only ("Assisting and moving people", ASC-WDS code 15 and "Manual handling" are all
"Moving and handling"). Words are matched on a key that ignores case, spaces, punctuation, a year, and a year or
code in brackets (:func:`match_key`). Reading a whole column costs one look-up per distinct value, not per cell.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator

from contractcheck.yamldata import SAFE_LOADER

_BRACKETED = re.compile(r"\([^)]*\d[^)]*\)|\[[^\]]*\d[^\]]*\]")  # a bracketed year or code
_YEAR = re.compile(r"\b(?:19|20)\d{2}(?:\s*[/-]\s*\d{2,4})?\b")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def match_key(text: str) -> str:
    """What two words must share to be one value: ``"Standards Met (2025-26)"`` and ``"standards-met"`` give
    ``"standardsmet"``; ``"Worker's own preference"`` gives ``"workersownpreference"``."""
    t = _BRACKETED.sub(" ", text.lower()).replace("&", " and ")
    t = _YEAR.sub(" ", t)
    return _NOT_ALNUM.sub("", t)


class Vocabulary(BaseModel):
    """One coded field's values: ``values`` maps each canonical value to the other words and codes for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str  # what one value is, in a sentence: "job role"
    closed: bool  # True: a value outside cannot be read; False: it is kept as written
    source: str
    values: dict[str, tuple[str, ...]]
    _index: dict[str, str] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _one_value_per_word(self) -> Vocabulary:
        seen: dict[str, str] = {}
        for canonical, words in self.values.items():
            for word in (canonical, *words):
                key = match_key(str(word))
                if not key:
                    raise ValueError(f"{canonical}: the word {word!r} has nothing to match on")
                if seen.setdefault(key, canonical) != canonical:
                    raise ValueError(f"the word {word!r} is given for both {seen[key]!r} and {canonical!r}")
        return self

    def with_words(self, extra: Mapping[str, list[str]]) -> Vocabulary:
        """A copy with more words for canonical values (a schedule's additions); raises ValueError for a value
        this vocabulary does not have, or a word that already means another value."""
        values = {k: tuple(v) for k, v in self.values.items()}
        for canonical, words in extra.items():
            if canonical not in values:
                near = difflib.get_close_matches(canonical, list(values), n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise ValueError(f"{canonical!r} is not a {self.title} of the vocabulary{hint}")
            values[canonical] = (*values[canonical], *map(str, words))
        return Vocabulary.model_validate({**self.model_dump(), "values": values})

    def lookup(self) -> dict[str, str]:
        """match key → canonical value (built once per vocabulary)."""
        if self._index is None:
            self._index = {match_key(str(w)): canonical for canonical, words in self.values.items()
                           for w in (canonical, *words)}
        return self._index

    def canonical(self, text: pd.Series) -> tuple[pd.Series, np.ndarray]:
        """Each cell's canonical value, and which non-blank cells are not in the vocabulary. Outside a closed
        vocabulary the value is NA; outside an open one it is kept as written (trimmed)."""
        lookup = self.lookup()
        distinct = pd.unique(text.dropna())
        mapping = {v: lookup.get(match_key(str(v))) for v in distinct}
        mapped = pd.Series(text.astype(object).map(mapping).to_numpy(dtype=object), index=text.index,
                           dtype="string")  # one dict look-up per cell, after one key per distinct value
        outside = (text.notna() & mapped.isna()).to_numpy(dtype=bool)
        if not self.closed and outside.any():
            mapped = mapped.where(~outside, text.astype("string").str.strip())
        return mapped, outside

    def nearest(self, words: np.ndarray) -> np.ndarray:
        """The canonical value nearest each word (by its match key; None when nothing is close)."""
        lookup = self.lookup()
        keys = list(lookup)
        out = np.full(len(words), None, dtype=object)
        cache_: dict[str, str | None] = {}
        for i, word in enumerate(words.tolist()):
            key = match_key(str(word))
            if key not in cache_:
                close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
                cache_[key] = lookup[close[0]] if close else None
            out[i] = cache_[key]
        return out

    def examples(self, n: int = 3) -> str:
        """A few canonical values, for "expected" wording: ``Care worker, Senior care worker or …``."""
        names = list(self.values)[:n]
        return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


class Vocabularies(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    vocabularies: dict[str, Vocabulary]


VOCABULARY_RESOURCE = "data/vocabularies.yaml"


@cache
def vocabularies() -> dict[str, Vocabulary]:
    """The shipped vocabularies by name (cached: they never change during a run)."""
    text = resources.files("contractcheck").joinpath(VOCABULARY_RESOURCE).read_text("utf-8")
    return dict(Vocabularies.model_validate(yaml.load(text, Loader=SAFE_LOADER)).vocabularies)  # noqa: S506
