"""The outcome of a simulated run: :class:`SimResult`, saved and loaded (private).

A saved result is a directory: ``result.toml`` (the manifest: ``kind``,
``format_version``, the run's start, days, seed, city and staffing; the triggers and
the assessment's summary), ``policy.toml`` (the rules it ran under), ``arrays.npz``
(the case table, the due times, the KPI tables, the escalation state and step counts)
and ``findings/<YYYY-MM>.toml`` (each month's findings; see ``_governance_io``). The
zip is written with fixed timestamps and order, so the same result gives the same
bytes.
"""

from __future__ import annotations

import datetime as _dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import attrs
import numpy as np
import numpy.typing as npt
import tomli_w

from urbangov.cases import CaseColumns
from urbangov.errors import SimulationError
from urbangov.frozen import FrozenMap
from urbangov.kpi import FIELDS, KpiCounts, KpiTable
from urbangov.policy import Policy
from urbangov.sim._assessment import Assessment, assess
from urbangov.sim._escalations import Escalations, escalate
from urbangov.sim._governance_io import load_governance, save_governance

__all__ = ["FORMAT_VERSION", "EscalationHook", "Hooks", "ScoringHook", "SimResult"]

FORMAT_VERSION = 1
_KIND = "simulation-result"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _eq_arrays(a: object, b: object) -> bool:
    x, y = np.asarray(a), np.asarray(b)
    return x.dtype == y.dtype and bool(np.array_equal(x.view(np.int64), y.view(np.int64)))


class EscalationHook(Protocol):
    """Computes time-out escalation steps (催办, 督办, 通报…) and accountability triggers
    from a finished run: ``hook(result, city) -> value`` stored as
    :attr:`SimResult.escalations`. The built-in one is :func:`escalate` (an
    :class:`Escalations`); a hook of your own may return any value, which the result
    then holds as is (and :meth:`SimResult.save` refuses)."""

    def __call__(self, result: SimResult, city: Any) -> object: ...


class ScoringHook(Protocol):
    """Scores a finished run from its monthly KPI tables (and its escalations):
    ``hook(result, city) -> value`` stored as :attr:`SimResult.scores` — monthly scores,
    grades, ranking, red flag and the bond settlement of its months. The built-in one is
    :func:`assess` (an :class:`Assessment`); a hook of your own may return any value."""

    def __call__(self, result: SimResult, city: Any) -> object: ...


@attrs.frozen
class Hooks:
    """What runs after the simulation: ``escalation`` first, then ``scoring`` (which
    may read the escalations). By default the built-in :func:`escalate` and
    :func:`assess`; your own function replaces one, and ``None`` leaves its field of the
    result ``None`` (``Hooks(escalation=None, scoring=None)``: the queues and KPIs only).

    >>> Hooks().escalation is escalate, Hooks(scoring=None).scoring is None
    (True, True)
    """

    escalation: EscalationHook | None = escalate
    scoring: ScoringHook | None = assess


@attrs.frozen
class SimResult:
    """A simulated run: the case table and everything counted from it.

    Attributes
    ----------
    cases
        Every report of the run as :class:`~urbangov.cases.CaseColumns`, events after
        the run's end left out (so a case ends rejected, closed, voided or open).
    due
        Per case its due time (``deadlines.due_at_batch`` on ``cases``), ``NaT`` when
        not dispatched or while an open suspension stops the clock.
    kpis
        KPI tables by month (``kpi.counts_from_columns`` on ``cases`` over the run's
        span): ``"street"``, ``"department"``, ``"category"`` and ``"month"`` (the
        whole city).
    policy
        The rules the run used.
    start, days, seed
        The run's span and seed; :attr:`end` is ``start + days``.
    city
        The city's name.
    servers
        The handlers of each department that received cases.
    provisional
        Whether a due time touched a year the calendar treats provisionally
        (``deadlines.provisional_batch``).
    escalations
        Time-out escalation steps and accountability triggers (:class:`Escalations`,
        by :func:`escalate`), or what ``Hooks.escalation`` gave; ``None`` without it.
    scores
        Monthly scores, grades, rankings, red flags, annual grades and the bond
        settlement (:class:`Assessment`, by :func:`assess`), or what ``Hooks.scoring``
        gave; ``None`` without it.
    """

    cases: CaseColumns
    due: npt.NDArray[np.datetime64] = attrs.field(eq=attrs.cmp_using(eq=_eq_arrays))
    kpis: FrozenMap[str, KpiTable]
    policy: Policy
    start: _dt.datetime
    days: int
    seed: int
    city: str
    servers: FrozenMap[str, int]
    provisional: bool = False
    escalations: Escalations | None = None
    scores: Assessment | None = None

    @property
    def end(self) -> _dt.datetime:
        """The end of the run (exclusive)."""
        return self.start + _dt.timedelta(days=self.days)

    def kpi(self, name: str) -> KpiTable:
        """One KPI table (``"street"``, ``"department"``, ``"category"``, ``"month"``)."""
        try:
            return self.kpis[name]
        except KeyError:
            raise SimulationError(
                f"{name!r} is not a KPI table of the result",
                field="kpi",
                hint=f"use one of {', '.join(self.kpis)}",
            ) from None

    def plot_kpis(self, path: str | Path) -> Path:
        """Draw the run's KPIs to ``path`` (PNG or SVG by its suffix): received and
        closed cases per day, the whole city's filing, closure and on-time rates by
        month, and the on-time rate by street. Needs matplotlib (``pip install
        'urbangov[plot]'``); returns the path.

        Raises
        ------
        MissingExtraError
            Without matplotlib.
        SimulationError
            For a suffix other than ``.png`` or ``.svg``.
        """
        from urbangov.sim._plot import plot_kpis

        return plot_kpis(self, Path(path))

    # ----------------------------------------------------------------- files
    def save(self, directory: str | Path) -> Path:
        """Write the result to ``directory`` (created if needed); returns it.

        Raises
        ------
        SimulationError
            If the escalations or scores are a hook's value of another type than
            :class:`Escalations` or :class:`Assessment`.
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, npt.NDArray[Any]] = {}
        for f in attrs.fields(CaseColumns):
            value = getattr(self.cases, f.name)
            arrays[f"cases.{f.name}"] = (
                np.array(value, dtype=np.str_) if isinstance(value, tuple) else value
            )
        arrays["due"] = self.due
        for name, table in self.kpis.items():
            arrays.update(_table_arrays(name, table))
        governance = save_governance(out, self.escalations, self.scores, arrays)
        _write_npz(out / "arrays.npz", arrays)
        self.policy.dump(out / "policy.toml")
        manifest = {
            "kind": _KIND,
            "format_version": FORMAT_VERSION,
            "city": self.city,
            "start": self.start.isoformat(),
            "days": self.days,
            "seed": self.seed,
            "provisional": self.provisional,
            "kpis": list(self.kpis),
            "servers": dict(self.servers),
            **governance,
        }
        (out / "result.toml").write_text(tomli_w.dumps(manifest), encoding="utf-8")
        return out

    @classmethod
    def load(cls, directory: str | Path) -> SimResult:
        """Read a result :meth:`save` wrote (``SimResult.load(d) == result``).

        Raises
        ------
        SimulationError
            If the directory holds no saved result of a known format version.
        """
        import tomllib

        where = Path(directory)
        try:
            text = (where / "result.toml").read_text(encoding="utf-8")
            manifest = tomllib.loads(text, parse_float=Decimal)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SimulationError(
                f"cannot read the result's manifest: {exc}",
                field="result.toml",
                file=str(where),
                hint="give a directory written by SimResult.save or urbangov simulate --out",
            ) from None
        if manifest.get("kind") != _KIND or manifest.get("format_version") != FORMAT_VERSION:
            raise SimulationError(
                f"not a simulation result of format version {FORMAT_VERSION}",
                field="kind",
                file=str(where / "result.toml"),
            )
        with np.load(where / "arrays.npz", allow_pickle=False) as npz:
            data = {k: npz[k] for k in npz.files}
        values: dict[str, Any] = {}
        for f in attrs.fields(CaseColumns):
            arr = data[f"cases.{f.name}"]
            values[f.name] = tuple(arr.tolist()) if arr.dtype.kind == "U" else arr
        kpis = FrozenMap((name, _table_of(name, data)) for name in manifest["kpis"])
        policy = Policy.load(where / "policy.toml")
        escalations, scores = load_governance(where, manifest, data, policy)
        return cls(
            cases=CaseColumns(**values),
            due=data["due"],
            kpis=kpis,
            policy=policy,
            start=_dt.datetime.fromisoformat(manifest["start"]),
            days=manifest["days"],
            seed=manifest["seed"],
            city=manifest["city"],
            servers=FrozenMap(sorted(manifest["servers"].items())),
            provisional=manifest["provisional"],
            escalations=escalations,
            scores=scores,
        )


def _table_arrays(name: str, table: KpiTable) -> dict[str, npt.NDArray[Any]]:
    out: dict[str, npt.NDArray[Any]] = {f"kpi.{name}.values": np.asarray(table.values)}
    keys = table.keys()
    parts = [k if isinstance(k, tuple) else (k,) for k in keys]
    for i, by in enumerate(table.by):
        column = [p[i] for p in parts]
        out[f"kpi.{name}.none{i}"] = np.array([v is None for v in column], dtype=np.bool_)
        column = ["" if v is None else v for v in column]
        if by == "period":
            out[f"kpi.{name}.key{i}"] = np.array([d.isoformat() for d in column], dtype=np.str_)
        else:
            out[f"kpi.{name}.key{i}"] = np.array(column, dtype=np.str_)
    out[f"kpi.{name}.by"] = np.array(table.by, dtype=np.str_)
    total = table.total().as_dict()
    out[f"kpi.{name}.total"] = np.array([total[f] for f in FIELDS], dtype=np.int64)
    return out


def _table_of(name: str, data: dict[str, npt.NDArray[Any]]) -> KpiTable:
    by = tuple(data[f"kpi.{name}.by"].tolist())
    columns: list[list[Any]] = []
    for i, part in enumerate(by):
        raw = data[f"kpi.{name}.key{i}"].tolist()
        none = data[f"kpi.{name}.none{i}"].tolist()
        values = [_dt.date.fromisoformat(v) for v in raw] if part == "period" else raw
        columns.append([None if n else v for v, n in zip(values, none, strict=True)])
    keys = list(zip(*columns, strict=True)) if columns else []
    shaped = [k[0] if len(by) == 1 else k for k in keys]
    total = KpiCounts(**dict(zip(FIELDS, data[f"kpi.{name}.total"].tolist(), strict=True)))
    return KpiTable(by, tuple(shaped), data[f"kpi.{name}.values"], total=total)


def _write_npz(path: Path, arrays: dict[str, npt.NDArray[Any]]) -> None:
    """An ``.npz`` numpy reads, with fixed member times and order (same bytes always)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(
                buffer, np.ascontiguousarray(arrays[name]), allow_pickle=False
            )
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_TIME)
            info.external_attr = 0o644 << 16
            zf.writestr(info, buffer.getvalue())
