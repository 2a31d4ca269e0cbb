"""One rule of the duty matrix and its parties (private).

A :class:`DutyRule` says: in ``domain``, for assets of ``asset_kind`` (or any asset when
``None``), inside the territory of unit ``territory``, the ``lead`` department (牵头/负责)
is responsible, ``cooperating`` ones help (配合实施) and ``supervising`` ones check
(督促检查). A party is a department code or a :class:`~urbangov.Level` ("the case
unit's own ancestor at that level"). :mod:`urbangov.org` re-exports the public names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from urbangov.errors import OrganisationError, UnknownTermError
from urbangov.vocabulary import Domain, Level

__all__ = [
    "DutyRule",
    "Party",
    "ResolvedDuty",
    "check_asset_kind",
    "parse_party",
    "party_to_text",
]

_SLUG = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*\Z")
_LEVEL_PREFIX = "level:"


Party = str | Level
"""A duty party: a department code, or a :class:`Level` meaning the case unit's ancestor."""

_SLUG = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*\Z")
_LEVEL_PREFIX = "level:"


def parse_party(value: object, *, field: str) -> Party:
    """Read a duty party: a department code, or ``"level:<level>"`` for a :class:`Level`.

    >>> parse_party("level:street", field="lead"), parse_party("hw_station", field="lead")
    (<Level.STREET: 2>, 'hw_station')
    >>> parse_party("level:街道", field="lead")
    <Level.STREET: 2>
    """
    if isinstance(value, Level):
        return value
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise OrganisationError(
            f"a duty party must be a department code or 'level:<level>', not {value!r}",
            field=field,
            hint='write e.g. lead = "hw_station" or lead = "level:street"',
        )
    if value.startswith(_LEVEL_PREFIX):
        try:
            return Level.parse(value[len(_LEVEL_PREFIX) :], field=field)
        except UnknownTermError as exc:
            raise OrganisationError(exc.message, field=field, hint=exc.hint) from exc
    return value


def party_to_text(party: Party) -> str:
    """The file form of a party (inverse of :func:`parse_party`).

    >>> party_to_text(Level.STREET), party_to_text("hw_station")
    ('level:street', 'hw_station')
    """
    return f"{_LEVEL_PREFIX}{party.slug}" if isinstance(party, Level) else party


def _check_party(value: object, field: str) -> None:
    if isinstance(value, Level):
        return
    if not isinstance(value, str) or not value or value.startswith(_LEVEL_PREFIX):
        raise OrganisationError(
            f"a duty party must be a department code or a Level, not {value!r}",
            field=field,
            hint="use parse_party() to read 'level:street' text",
        )


def _parties(value: Iterable[Party]) -> tuple[Party, ...]:
    if isinstance(value, str | Level):
        raise OrganisationError(
            f"expected a sequence of parties, not the single party {value!r}",
            field="cooperating/supervising",
            hint="wrap it in a tuple or list",
        )
    return tuple(value)


def check_asset_kind(value: object, field: str) -> str:
    """Return ``value`` if it is an asset-kind slug (``road.city_list``), else raise."""
    if not isinstance(value, str) or not _SLUG.match(value):
        raise OrganisationError(
            f"an asset kind is a lowercase dotted slug like 'road.city_list', not {value!r}",
            field=field,
            hint="use letters, digits and _ in dot-separated parts, starting with a letter",
        )
    return value


@attrs.frozen(cache_hash=True)
class DutyRule:
    """One cell of the duty matrix (职责分工): domain × asset kind × territory → parties.

    Parameters
    ----------
    domain
        The management :class:`~urbangov.Domain` (one of the twelve of
        《城市管理协管员考核办法》篇5 §二).
    asset_kind
        A dotted slug of the asset or site (``"road.city_list"``, ``"bus_stop"``,
        ``"estate.without_property_company"``), or ``None`` for any asset.
    territory
        The unit code whose territory (itself and everything below) the rule covers.
    lead
        The lead (牵头/负责) department code, or a :class:`~urbangov.Level` meaning the
        case unit's ancestor at that level (``Level.STREET``: the street itself).
    cooperating
        Cooperating (配合) parties, in the order given.
    supervising
        Supervising (监督/督促检查) parties, in the order given.
    source
        Where the rule comes from (e.g. ``"《城市管理协管员考核办法》篇5 §二(一)"``); free text.

    Examples
    --------
    >>> from urbangov.vocabulary import Domain
    >>> from urbangov.vocabulary import Level
    >>> r = DutyRule(Domain.SANITATION, "road.other", "320105", Level.STREET,
    ...              supervising=("cityapp_bureau",),
    ...              source="《城市管理协管员考核办法》篇5 §二(一)")
    >>> r.lead, r.domain.chinese
    (<Level.STREET: 2>, '环境卫生')
    """

    domain: Domain
    asset_kind: str | None
    territory: str
    lead: Party
    cooperating: tuple[Party, ...] = attrs.field(default=(), converter=_parties)
    supervising: tuple[Party, ...] = attrs.field(default=(), converter=_parties)
    source: str = ""

    def __attrs_post_init__(self) -> None:
        where = f"duty rule {self.domain!s}/{self.asset_kind}/{self.territory}"
        if not isinstance(self.domain, Domain):
            raise OrganisationError(
                f"domain must be a Domain, not {self.domain!r}",
                field="domain",
                hint="use Domain.parse('环境卫生') or Domain.SANITATION",
            )
        if self.asset_kind is not None:
            check_asset_kind(self.asset_kind, f"{where}.asset_kind")
        if not isinstance(self.territory, str) or not self.territory:
            raise OrganisationError(
                f"territory must be a unit code, not {self.territory!r}",
                field=f"{where}.territory",
            )
        _check_party(self.lead, f"{where}.lead")
        for name in ("cooperating", "supervising"):
            for n, party in enumerate(getattr(self, name)):
                _check_party(party, f"{where}.{name}[{n}]")
        if not isinstance(self.source, str):
            raise OrganisationError("source must be text", field=f"{where}.source")

    @property
    def key(self) -> tuple[Domain, str | None, str]:
        """The index key ``(domain, asset_kind, territory)``: two rules may not share one."""
        return (self.domain, self.asset_kind, self.territory)

    def parties(self) -> tuple[Party, ...]:
        """Lead, then cooperating, then supervising parties."""
        return (self.lead, *self.cooperating, *self.supervising)


@attrs.frozen
class ResolvedDuty:
    """The parties of one domain and asset kind for one unit, with Levels resolved.

    ``lead``, ``cooperating`` and ``supervising`` are department or unit codes; ``rule``
    is the :class:`DutyRule` that applied.
    """

    domain: Domain
    asset_kind: str | None
    lead: str
    cooperating: tuple[str, ...]
    supervising: tuple[str, ...]
    rule: DutyRule
