"""Where a service is: the London councils, for the Real Living Wage's London rate.

The Living Wage Foundation sets a higher rate for work in London (Greater London: the 32 London boroughs and
the City of London). A London council may place care outside London, so a London council alone does not say
the work is in London; it does say the UK rate cannot be assumed.
"""

from __future__ import annotations

import re

import pandas as pd

#: the 33 local authorities of Greater London (London Government Act 1963 s.1 and Sch 1: 32 boroughs, plus the
#: City of London), as their names are written without "London Borough of", "Royal Borough of" or "Council"
LONDON_COUNCILS: frozenset[str] = frozenset({
    "barking and dagenham", "barnet", "bexley", "brent", "bromley", "camden", "croydon", "ealing", "enfield",
    "greenwich", "hackney", "hammersmith and fulham", "haringey", "harrow", "havering", "hillingdon",
    "hounslow", "islington", "kensington and chelsea", "kingston upon thames", "lambeth", "lewisham", "merton",
    "newham", "redbridge", "richmond upon thames", "southwark", "sutton", "tower hamlets", "waltham forest",
    "wandsworth", "westminster", "city of london", "london",
})

_NOISE = re.compile(r"\b(the|london borough of|royal borough of|city of westminster|borough council|council|"
                    r"corporation|lb|rb)\b")


def _plain(name: str) -> str:
    text = name.lower().replace("&", " and ")
    text = re.sub(r"[^a-z ]+", " ", text)
    text = text.replace("city of westminster", "westminster")
    text = _NOISE.sub(" ", text)
    return " ".join(text.split())


def london_council(council: pd.Series) -> pd.Series:
    """Per row: NA where the council is one of Greater London's (the work may or may not be in London), False
    otherwise, a blank council included (the UK rate, as for any council outside London). ``boolean`` dtype."""
    names = council.astype(object).where(council.notna(), None)
    london = {name: _plain(name) in LONDON_COUNCILS for name in pd.unique(names) if isinstance(name, str)}
    is_london = names.map(lambda v: london.get(v, False)).to_numpy(dtype=bool)  # one call per distinct name
    return pd.Series(False, index=council.index, dtype="boolean").mask(is_london)
