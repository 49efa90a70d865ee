"""Reference facts the rules judge by: the statutory pay floors (NMW/NLW, apprentice rate) and the Real Living Wage.

``pay_floors`` holds the dated data (the shipped files, or tables given with ``--reference``: a ``PayReference``
set for each run) and its vectorised look-ups; ``functions`` hands the pay functions (``pay_floor``,
``pay_band``, ``pay_floor_known``, ``accommodation_offset``, ``living_wage``, ``living_wage_known``) to the rule
language.
"""

from __future__ import annotations

from contractcheck.reference.pay_floors import *  # noqa: F403 - the data module's __all__ is this package's face
from contractcheck.reference.pay_floors import __all__  # noqa: F401
