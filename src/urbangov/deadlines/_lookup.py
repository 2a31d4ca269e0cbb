"""Which limit applies to a case, and why: :func:`lookup`, :func:`limit_for` (private).

:mod:`urbangov.deadlines` re-exports :class:`AppliedLimit`, :func:`lookup` and
:func:`limit_for`.
"""

from __future__ import annotations

import datetime as _dt
import functools
from zoneinfo import ZoneInfo

import attrs

from urbangov.calendar import TimeLimit
from urbangov.cases import Case
from urbangov.deadlines._rules import DeadlineRules, HasDeadlines, _section
from urbangov.errors import TaxonomyError
from urbangov.params import Dated
from urbangov.taxonomy import Taxonomy
from urbangov.vocabulary import Urgency, ZoneTier

__all__ = ["AppliedLimit", "limit_for", "lookup", "rules_date"]


@attrs.frozen
class AppliedLimit:
    """The limit that applies to a case, and why (which row, which tier, which urgency).

    ``level`` is ``"category"``, ``"major_class"`` or ``"default"`` and ``key`` the row's
    key (``exposed_garbage``, ``E01``, ``default``); ``tier_from`` is ``"case"`` or
    ``"default_tier"``; ``tier_row`` says whether the tier's own value applied;
    ``urgent_fallback`` that an urgent case took the normal limit; ``on`` is the date
    whose rules applied (the filing date).
    """

    limit: TimeLimit
    category: str
    urgency: Urgency
    tier: ZoneTier
    level: str
    key: str
    tier_from: str
    tier_row: bool
    urgent_fallback: bool
    on: _dt.date

    def explain(self) -> str:
        """One sentence saying which limit applied and why.

        >>> import datetime as _dt
        >>> print(lookup(DeadlineRules(), "exposed_garbage", on=_dt.date(2024, 1, 1)).explain())
        4 working hours: category 'exposed_garbage', urgency normal (一般), tier control
        (控制区, the table's default tier), rules of 2024-01-01
        """
        return f"{self.limit}: {self.reason()}"

    def reason(self) -> str:
        """Why this limit applied: the row, the urgency, the tier and the rules' date.

        >>> import datetime as _dt
        >>> applied = lookup(DeadlineRules(), "street_light", "urgent", on=_dt.date(2024, 1, 1))
        >>> print(applied.reason())
        the table's default row (no row for 'street_light' or its major class), urgency urgent
        (紧急), no urgent limit so the normal one, tier control (控制区, the table's default
        tier), rules of 2024-01-01
        """
        where = {
            "category": f"category {self.key!r}",
            "major_class": f"major class {self.key} (no row for {self.category!r})",
            "default": f"the table's default row (no row for {self.category!r} or its major class)",
        }[self.level]
        urgency = f"urgency {self.urgency.value} ({self.urgency.chinese})"
        if self.urgent_fallback:
            urgency += ", no urgent limit so the normal one"
        tier = f"tier {self.tier.value} ({self.tier.chinese}"
        tier += ", the table's default tier)" if self.tier_from == "default_tier" else ")"
        if self.tier_row:
            tier += " with the tier's own limit"
        return f"{where}, {urgency}, {tier}, rules of {self.on}"


def _major_code(taxonomy: Taxonomy | None, category: str) -> str | None:
    if taxonomy is None:
        return _default_major_code(category)
    try:
        return taxonomy.major_of(category).full_code
    except (TaxonomyError, KeyError):
        return None


@functools.cache
def _default_major_code(category: str) -> str | None:
    return _major_code(Taxonomy.default(), category)


def lookup(
    rules: DeadlineRules | HasDeadlines,
    category: str,
    urgency: Urgency | str = Urgency.NORMAL,
    zone: ZoneTier | str | None = None,
    *,
    on: _dt.date,
    taxonomy: Taxonomy | None = None,
) -> AppliedLimit:
    """The limit for a category, urgency and zone tier under the rules of date ``on``.

    Parameters
    ----------
    rules
        A :class:`DeadlineRules` or anything with a ``deadlines`` attribute.
    category
        The taxonomy slug (the CLI resolves Chinese names and codes first).
    urgency, zone
        :class:`Urgency` and :class:`ZoneTier` (or their words); ``zone=None`` takes the
        table's default tier.
    on
        The date whose rules apply (a case's filing date).
    taxonomy
        Finds the category's major class (default: the policy's own taxonomy when
        ``rules`` is a Policy, else the bundled one).

    Examples
    --------
    >>> applied = lookup(DeadlineRules(), "street_light", "紧急", "strict",
    ...                  on=_dt.date(2024, 1, 1))
    >>> str(applied.limit), applied.level, applied.urgent_fallback
    ('5 working days', 'default', True)
    """
    table = _section(rules)
    if taxonomy is None:
        taxonomy = _policy_taxonomy(rules)
    # A lookup is a pure function of the table, its arguments and the taxonomy: memoised
    # on the (immutable) table, checked against the taxonomy object it was made with.
    key = (category, urgency, zone, on)
    hit = table._cache.get(key)
    if hit is not None and hit[0] is taxonomy:
        return hit[1]  # type: ignore[no-any-return]
    found = _lookup(table, category, urgency, zone, on, taxonomy)
    if len(table._cache) >= _MEMO:
        table._cache.clear()
    table._cache[key] = (taxonomy, found)
    return found


_MEMO = 100_000  # lookups kept per table


def _lookup(
    table: DeadlineRules,
    category: str,
    urgency: Urgency | str,
    zone: ZoneTier | str | None,
    on: _dt.date,
    taxonomy: Taxonomy | None,
) -> AppliedLimit:
    urg = Urgency.parse(urgency, field="urgency")
    tier_from = "case"
    if zone is None:
        tier, tier_from = table.default_tier.at(on), "default_tier"
    else:
        tier = ZoneTier.parse(zone, field="zone")
    level, key, row = "default", "default", table.default
    if category in table.categories:
        level, key, row = "category", category, table.categories[category]
    else:
        major = _major_code(taxonomy, category)
        if major is not None and major in table.major_classes:
            level, key, row = "major_class", major, table.major_classes[major]
    tier_limits = row.tiers.get(tier) if row.tiers else None
    candidates: list[tuple[Dated[TimeLimit] | None, bool, bool]] = []
    if urg is Urgency.URGENT:
        candidates += [
            (tier_limits.urgent if tier_limits else None, True, False),
            (row.urgent, False, False),
        ]
    candidates += [
        (tier_limits.normal if tier_limits else None, True, urg is Urgency.URGENT),
        (row.normal, False, urg is Urgency.URGENT),
    ]
    for value, from_tier, fallback in candidates:
        if value is not None:
            return AppliedLimit(
                value.at(on), category, urg, tier, level, key, tier_from, from_tier, fallback, on
            )
    raise AssertionError("a row always has a normal limit")  # pragma: no cover


def _local_date(t: _dt.datetime, tz: str) -> _dt.date:
    return t.astimezone(ZoneInfo(tz)).date()


def rules_date(case: Case, tz: str) -> _dt.date:
    """The date whose rules apply to ``case``: its filing date in ``tz`` (else its report
    date)."""
    filed = case.filed_at
    return _local_date(filed if filed is not None else case.reported_at, tz)


def _policy_taxonomy(rules: object) -> Taxonomy | None:
    """The taxonomy of a Policy-like ``rules`` (``rules.taxonomy()``), else ``None``."""
    own = getattr(rules, "taxonomy", None)
    return own() if callable(own) else None


def limit_for(
    case: Case,
    rules: DeadlineRules | HasDeadlines,
    *,
    tz: str | None = None,
    taxonomy: Taxonomy | None = None,
) -> AppliedLimit:
    """The handling limit (处置时限) of ``case``, and why: its category's row, else its
    major class's, else the default row; its zone tier, else the table's default tier;
    under the rules of its filing date (立案日期 in ``tz``; the report date if not filed).

    ``tz`` defaults to the policy's calendar zone (Asia/Shanghai for bare rules) and
    ``taxonomy`` to the policy's own.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "积存垃圾渣土", "320102001001001", reported_at=t, zone="strict")
    >>> applied = limit_for(case, DeadlineRules())
    >>> str(applied.limit), applied.level, applied.tier_from
    ('4 working days', 'category', 'case')
    """
    if tz is None:
        tz = getattr(getattr(rules, "calendar", None), "tz", "Asia/Shanghai")
    return lookup(
        rules,
        case.category,
        case.urgency,
        case.zone,
        on=rules_date(case, str(tz)),
        taxonomy=taxonomy,
    )
