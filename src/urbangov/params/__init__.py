"""Policy parameters as data: dated values, strict structuring, files, reforms, diffs
(政策参数).

Every number a city could change lives in a frozen attrs *section* class; a policy file
is TOML whose tables mirror those classes. This package is the machinery, generic over
any attrs class:

- :class:`Dated` — a value that changes on given dates: half-open ``[from, until)``
  periods that do not overlap, plus at most one default entry for dates no period covers;
- :func:`structure` / :func:`unstructure` — TOML data to attrs values and back, strict:
  unknown keys, wrong types and values a class rejects all raise
  :class:`~urbangov.errors.PolicyError` naming the dotted path, the file and the line,
  with a did-you-mean for misspelt keys; every problem is listed in ``.problems``;
- :func:`resolve` — a value with every dated parameter fixed at a date;
- :class:`RuleSection` — the base of every rule section: ``at(d)`` and ``of(policy)``;
- :func:`loads` / :func:`load` / :func:`dumps` / :func:`check_file` — files;
- :func:`reform` (dotted paths, optionally from a date) and :func:`diff` (:class:`Change`);
- :class:`Composite` — the base of a value made of sections (the ``Policy``).

>>> import attrs
>>> from datetime import date
>>> @attrs.frozen
... class Limits:
...     hours: Dated[int] = Dated.always(4)
>>> limits = structure({"hours": [{"value": 4}, {"value": 2, "from": date(2025, 1, 1)}]}, Limits)
>>> limits.hours.at(date(2024, 6, 1)), limits.hours.at(date(2025, 6, 1))
(4, 2)
>>> diff(limits, reform(limits, {"hours": 3}))[0].path
'hours'
"""

from urbangov._internal.public import publish
from urbangov.params._composite import Composite
from urbangov.params._dated import Dated, Period
from urbangov.params._diff import Change, diff
from urbangov.params._files import check_file, dumps, load, loads
from urbangov.params._reform import reform
from urbangov.params._sections import RuleSection
from urbangov.params._structure import (
    did_you_mean,
    field_types,
    is_value_type,
    structure,
)
from urbangov.params._unstructure import resolve, unstructure

__all__ = [
    "Change",
    "Composite",
    "Dated",
    "Period",
    "RuleSection",
    "check_file",
    "did_you_mean",
    "diff",
    "dumps",
    "field_types",
    "is_value_type",
    "load",
    "loads",
    "reform",
    "resolve",
    "structure",
    "unstructure",
]

publish(__name__, __all__)
