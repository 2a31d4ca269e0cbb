"""The rule-section protocol: one ``at`` and one ``of`` for every section (private).

:mod:`urbangov.params` re-exports :class:`RuleSection`.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Self

from urbangov.errors import PolicyError
from urbangov.params._unstructure import resolve

__all__ = ["RuleSection"]


class RuleSection:
    """Base of every rule section of a Policy (规则分节): one ``at`` and one ``of``.

    A section is a frozen attrs class that names its Policy attribute in ``section``
    (``"deadlines"``, ``"zones"``…). :meth:`at` resolves every dated value at a date;
    :meth:`of` accepts the section itself or any object that has it as an attribute
    (a ``Policy``), so rule functions never import the Policy.

    >>> from datetime import date
    >>> from typing import ClassVar
    >>> import attrs
    >>> @attrs.frozen
    ... class Limits(RuleSection):
    ...     section: ClassVar[str] = "limits"
    ...     hours: Dated[int] = Dated.always(4)
    >>> class Holder:
    ...     limits = Limits(Dated((Period(4), Period(2, start=date(2025, 1, 1)))))
    >>> Limits.of(Holder()).at(date(2025, 6, 1)).hours.at(date(2025, 6, 1))
    2
    >>> Limits.of(object())
    Traceback (most recent call last):
    ...
    urbangov.errors.PolicyError: limits: object has no limits section; ...
    """

    __slots__ = ()
    section: ClassVar[str] = ""

    def at(self, d: date) -> Self:
        """The section with every dated value fixed to its value on ``d``."""
        return resolve(self, d, path=self.section)

    @classmethod
    def of(cls, rules_or_policy: object) -> Self:
        """The section itself, or the ``section`` attribute of a Policy-like object.

        Raises
        ------
        PolicyError
            Naming the section, when ``rules_or_policy`` is neither.
        """
        if isinstance(rules_or_policy, cls):
            return rules_or_policy
        found = getattr(rules_or_policy, cls.section, None) if cls.section else None
        if isinstance(found, cls):
            return found
        raise PolicyError(
            f"{type(rules_or_policy).__name__} has no {cls.section} section",
            field=cls.section or cls.__name__,
            hint=f"pass a {cls.__name__} or a Policy",
        )
