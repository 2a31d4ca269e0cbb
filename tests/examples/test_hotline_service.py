"""The hotline example (``examples/hotline_service``) end to end: a real ``uvicorn``
process on a free port (``hotline.serve.running``, the README's command), a real SQLite
file in ``tmp_path``, httpx as the client.

What the store holds is read here with plain ``sqlite3``, not with the example's code,
so a test of "nothing stored" or "nothing lost" does not trust what it tests. Expected
figures come from urbangov's own rules (the tutorial's case: exposed garbage reported
at 16:00 on the eve of 国庆节, by the State Council's holiday notice for 2024).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from click.testing import CliRunner

from hotline.serve import running
from urbangov import AccountabilityGraph, Policy, deadlines, escalation, io, kpi
from urbangov.cases import Case, CaseEvent, apply
from urbangov.cli import main
from urbangov.sim import sample_city, sample_city_path

SH = ZoneInfo("Asia/Shanghai")
GRID = "320105001001001"  # 南湖一社区第1网格 of 南湖街道
EVE = "2024-09-30T16:00:00+08:00"  # 16:00 on the last working day before 国庆节 2024
COUNTS = ("received", "filed", "dispatched", "voided", "due", "closed", "closed_on_time",
          "reworked", "extended", "suspended", "overdue")  # fmt: skip


@dataclass
class Service:
    db: Path
    client: httpx.Client

    def report(self, **fields: Any) -> dict[str, Any]:
        body = {"category": "暴露垃圾", "grid": GRID, "reported_at": EVE, **fields}
        r = self.client.post("/cases", json=body)
        assert r.status_code == 201, r.text
        found: dict[str, Any] = r.json()
        return found

    def event(self, case_id: str, kind: str, at: str, **fields: Any) -> dict[str, Any]:
        r = self.client.post(f"/cases/{case_id}/events", json={"kind": kind, "at": at, **fields})
        assert r.status_code == 201, r.text
        found: dict[str, Any] = r.json()
        return found

    def get(self, path: str, **params: str) -> dict[str, Any]:
        r = self.client.get(path, params=params)
        assert r.status_code == 200, r.text
        found: dict[str, Any] = r.json()
        return found


def stored(db: Path) -> dict[str, int]:
    """Rows of the store's tables, read without the example's code."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        count = "SELECT count(*) FROM {}"
        return {t: conn.execute(count.format(t)).fetchone()[0] for t in ("cases", "events")}


@contextlib.contextmanager
def serving(db: Path) -> Iterator[Service]:
    with running(db) as base, httpx.Client(base_url=base, timeout=60) as client:
        yield Service(db, client)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with serving(tmp_path_factory.mktemp("hotline") / "hotline.sqlite3") as s:
        yield s


def _library_case(history: list[tuple[str, str]]) -> Case:
    """The tutorial's case built with urbangov directly, to compare the service with."""
    t = dt.datetime.fromisoformat(EVE)
    case = Case.new("X", "暴露垃圾", GRID, reported_at=t, source="hotline", zone="control")
    for kind, at in [("accept", EVE), ("file", EVE), *history]:
        extra = {"department": "street_office_001"} if kind == "dispatch" else {}
        case = apply(case, CaseEvent(kind, dt.datetime.fromisoformat(at), **extra))
    return case


# ---------------------------------------------------------------- a case's life


def test_a_case_lives_from_report_to_close_with_its_due_time_across_national_day(
    service: Service,
) -> None:
    case = service.report(source="热线", actor="operator_7")
    assert case["status"] == "dispatched"
    assert (case["category"], case["source"]) == ("exposed_garbage", "hotline")
    assert case["department"] == {"code": "street_office_001", "name": "南湖街道办事处"}
    # 4 working hours: 16:00–18:00 on 30 September, 1–7 October off (国庆节), 09:00–11:00
    assert case["due"] == "2024-10-08T11:00:00+08:00"
    assert case["limit"] == "4 working hours"
    assert case["limit_explanation"] == (
        "4 working hours: category 'exposed_garbage', urgency normal (一般), tier control "
        "(控制区), rules of 2024-09-30"
    )
    assert (case["remaining"], case["overdue"]) == ("4:00:00", False)
    cid = case["id"]
    assert service.event(cid, "handle", "2024-10-08T10:30:00+08:00")["status"] == "handled"
    assert service.event(cid, "verify_pass", "2024-10-08T10:40:00+08:00")["status"] == "verified"
    closed = service.event(cid, "close", "2024-10-08T10:50:00+08:00", actor="operator_7")
    assert closed["status"] == "closed"

    later = service.get(f"/cases/{cid}", at="2024-10-15T09:00:00+08:00")
    assert (later["status"], later["overdue"]) == ("closed", False)
    assert later["remaining"] == "0:30:00"  # frozen when handled, half an hour early
    assert later["escalation"]["taken"] == later["escalation"]["must_act"] == []
    assert later["escalation"]["next"] is None
    kinds = [e["kind"] for e in later["history"]]
    assert kinds == ["accept", "file", "dispatch", "handle", "verify_pass", "close"]
    assert later["history"][0]["actor"] == "operator_7"
    library = _library_case(
        [("dispatch", EVE), ("handle", "2024-10-08T10:30:00+08:00")]
    )  # the same due time as urbangov gives the same history
    assert deadlines.due_at(library, Policy.default()).isoformat() == later["due"]


def test_overdue_polling_lists_open_cases_past_due_with_their_escalation_step(
    service: Service,
) -> None:
    late = service.report()["id"]
    early = service.report()["id"]
    service.event(early, "handle", "2024-10-08T09:30:00+08:00")

    def listed(at: str) -> dict[str, dict[str, Any]]:
        return {c["id"]: c for c in service.get("/overdue", at=at)["cases"]}

    assert late not in listed("2024-10-08T10:59:00+08:00")  # a minute before due
    week = listed("2024-10-15T09:00:00+08:00")
    assert early not in week  # handled in time: its clock stopped
    entry = week[late]
    # 《催办通知书》 at the close of the working day after the due date, copied at once
    assert (entry["due"], entry["step"]) == ("2024-10-08T11:00:00+08:00", "copy_to_leader")
    assert entry["next"]["name"] == "written_criticism"
    # five working days after the reminder: 10, 11, 12 (调休 Saturday), 14, 15 October
    assert entry["next"]["at"] == "2024-10-15T18:00:00+08:00"
    assert listed("2024-10-16T09:00:00+08:00")[late]["step"] == "written_criticism"

    at = "2024-10-15T09:00:00+08:00"
    view = service.get(f"/cases/{late}", at=at)
    assert (view["overdue"], view["remaining"]) == (True, "-43:00:00")
    taken = [(s["name"], s["at"]) for s in view["escalation"]["taken"]]
    assert taken == [
        ("reminder_notice", "2024-10-09T18:00:00+08:00"),
        ("copy_to_leader", "2024-10-09T18:00:00+08:00"),
    ]
    assert [m["code"] for m in view["escalation"]["must_act"]] == ["street_office_001", GRID]
    first = [(a["distance"], a["role"], a["name"]) for a in view["accountable"][:3]]
    assert first == [(0, "grid_worker", "林某18"), (0, "grid_chief", "高某17"),
                     (1, "first_responsible", "郭某15")]  # fmt: skip
    # the service's answer is urbangov's answer for the same history
    case = _library_case([("dispatch", EVE)])
    policy, city = Policy.default(), sample_city()
    state = escalation.state(case, dt.datetime.fromisoformat(at), policy, city.hierarchy)
    assert [s.name for s in state.taken] == [name for name, _ in taken]
    graph = AccountabilityGraph.from_city(city)
    answerable = escalation.accountable(case, state.at, graph, policy, state=state)
    assert [a["name"] for a in view["accountable"]] == [a.name for a in answerable]


# ---------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def dispatched(service: Service) -> str:
    """A case in the dispatched state, for the events that must fail."""
    found: str = service.report()["id"]
    return found


def _report(**fields: Any) -> dict[str, Any]:
    return {"category": "暴露垃圾", "grid": GRID, "reported_at": EVE, **fields}


_WITHOUT_GRID = {"category": "暴露垃圾", "reported_at": EVE}
BAD = [
    # name, method, path, request arguments, status, field, words of the message or hint
    ("unknown category", "POST", "/cases", {"json": _report(category="暴露拉圾")}, 422,
     "category", "did you mean '暴露垃圾'?"),
    ("naive timestamp", "POST", "/cases", {"json": _report(reported_at="2024-09-30T16:00:00")},
     422, "reported_at", "has no time zone"),
    ("not a time", "POST", "/cases", {"json": _report(reported_at="yesterday")}, 422,
     "reported_at", "is not an ISO 8601 time"),
    ("unknown grid", "POST", "/cases", {"json": _report(grid="320105999001001")}, 422, "grid",
     "is no unit of the hierarchy"),
    ("a year the calendar does not cover", "POST", "/cases",
     {"json": _report(reported_at="2030-05-06T09:00:00+08:00")}, 422, "date",
     "outside the calendar's coverage"),
    ("an extension past the calendar", "POST", "/cases/{id}/events",
     {"json": {"kind": "extend", "at": EVE, "extension": "800 working days"}}, 422, "date",
     "outside the calendar's coverage"),
    ("unknown urgency", "POST", "/cases", {"json": _report(urgency="asap")}, 422, "urgency",
     "asap"),
    ("missing field", "POST", "/cases", {"json": _WITHOUT_GRID}, 422, "grid", "required"),
    ("number for text", "POST", "/cases", {"json": _report(grid=320105001001001)}, 422, "grid",
     "string"),
    ("unknown field", "POST", "/cases", {"json": _report(colour="red")}, 422, "colour",
     "not a field"),
    ("malformed JSON", "POST", "/cases",
     {"content": b'{"category": "', "headers": {"content-type": "application/json"}}, 400,
     "body", "not JSON"),
    ("a list for the body", "POST", "/cases", {"json": [_report()]}, 422, "body", ""),
    ("disallowed event", "POST", "/cases/{id}/events",
     {"json": {"kind": "close", "at": "2024-10-08T10:00:00+08:00"}}, 409, "history[3]",
     "close (结案) is not allowed in state dispatched (派遣); allowed: handle, send_back"),
    ("event back in time", "POST", "/cases/{id}/events",
     {"json": {"kind": "handle", "at": "2024-09-29T10:00:00+08:00"}}, 409, "history[3]",
     "earlier than the event before it"),
    ("unknown event", "POST", "/cases/{id}/events", {"json": {"kind": "finish", "at": EVE}}, 422,
     "kind", "is not an EventKind"),
    ("extend without extension", "POST", "/cases/{id}/events",
     {"json": {"kind": "extend", "at": EVE}}, 422, "extension", "needs the approved extension"),
    ("bad extension", "POST", "/cases/{id}/events",
     {"json": {"kind": "extend", "at": EVE, "extension": "2 workin days"}}, 422, "extension",
     "is not a time limit"),
    ("naive event time", "POST", "/cases/{id}/events",
     {"json": {"kind": "handle", "at": "2024-10-08T10:00:00"}}, 422, "at", "no time zone"),
    ("event of unknown case", "POST", "/cases/HX-999999/events",
     {"json": {"kind": "handle", "at": EVE}}, 404, "id", "no case 'HX-999999'"),
    ("unknown case", "GET", "/cases/HX-999999", {}, 404, "id", "no case"),
    ("naive at", "GET", "/cases/{id}", {"params": {"at": "2024-10-15T09:00:00"}}, 422, "at",
     "no time zone"),
    ("bad month", "GET", "/kpi", {"params": {"month": "2024-13"}}, 422, "month", "YYYY-MM"),
    ("bad grouping", "GET", "/kpi", {"params": {"month": "2024-05", "by": "planet"}}, 422, "by",
     "use one of"),
    ("missing month", "GET", "/kpi", {}, 422, "month", "required"),
    ("bad poll time", "GET", "/overdue", {"params": {"at": "soon"}}, 422, "at", "ISO 8601"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "arguments", "status", "field", "words"),
    [pytest.param(*row[1:], id=row[0]) for row in BAD],
)
def test_bad_input_is_a_4xx_naming_the_field_and_stores_nothing(
    service: Service,
    dispatched: str,
    method: str,
    path: str,
    arguments: dict[str, Any],
    status: int,
    field: str,
    words: str,
) -> None:
    before = stored(service.db)
    history = len(service.get(f"/cases/{dispatched}", at=EVE)["history"])
    r = service.client.request(method, path.replace("{id}", dispatched), **arguments)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["field"] == field
    assert words in body["detail"]
    assert stored(service.db) == before
    assert len(service.get(f"/cases/{dispatched}", at=EVE)["history"]) == history


# ---------------------------------------------------------------- restart


OCT_8 = "2024-10-08"  # the first working day after 国庆节 2024


def test_a_restarted_server_on_the_same_file_has_lost_nothing(tmp_path: Path) -> None:
    db = tmp_path / "hotline.sqlite3"
    queries = [
        ("/cases/HX-000001", {"at": "2024-10-15T09:00:00+08:00"}),
        ("/cases/HX-000002", {"at": "2024-10-15T09:00:00+08:00"}),
        ("/overdue", {"at": "2024-10-15T09:00:00+08:00"}),
        ("/kpi", {"month": "2024-10", "by": "street"}),
    ]
    with serving(db) as s:
        first = s.report()["id"]
        s.report(
            category="道路不洁", grid="320105002001001", reported_at="2024-10-08T09:00:00+08:00"
        )
        s.event(first, "extend", f"{OCT_8}T10:00:00+08:00", extension="2 working days")
        before = [s.get(path, **params) for path, params in queries]
    assert stored(db) == {"cases": 2, "events": 7}
    with serving(db) as s:
        after = [s.get(path, **params) for path, params in queries]
        assert s.report()["id"] == "HX-000003"  # numbering continues
    assert after == before
    assert before[0]["due"] == "2024-10-10T18:00:00+08:00"  # extended by 2 working days
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        versions = conn.execute("SELECT version, name FROM schema_version").fetchall()
    assert versions == [(1, "001_init")]  # applied once, not again at the restart


# ---------------------------------------------------------------- concurrency


CATEGORIES = ("暴露垃圾", "道路不洁", "积存垃圾渣土", "私搭乱建", "道路积水")


def test_100_concurrent_reports_are_all_stored_once(tmp_path: Path) -> None:
    db = tmp_path / "hotline.sqlite3"
    grids = [g.code for g in sample_city().hierarchy.grids()]
    reports = [
        _report(category=CATEGORIES[i % 5], grid=grids[i * 7 % len(grids)],
                reported_at=f"2024-05-{6 + i % 20:02d}T{9 + i % 8:02d}:{i % 60:02d}:00+08:00")
        for i in range(100)
    ]  # fmt: skip

    async def post_all(base: str) -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=100)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
            return list(await asyncio.gather(*(client.post("/cases", json=r) for r in reports)))

    async def handle_twenty_times(base: str, case_id: str) -> list[int]:
        body = {"kind": "handle", "at": "2024-05-31T10:00:00+08:00"}
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            sent = [client.post(f"/cases/{case_id}/events", json=body) for _ in range(20)]
            return sorted(r.status_code for r in await asyncio.gather(*sent))

    with running(db) as base:
        responses = asyncio.run(post_all(base))
        assert [r.status_code for r in responses] == [201] * 100, [r.text for r in responses]
        ids = [r.json()["id"] for r in responses]
        assert sorted(ids) == [f"HX-{n:06d}" for n in range(1, 101)]
        for sent, r in zip(reports, responses, strict=True):  # each got its own case back
            assert r.json()["grid"]["code"] == sent["grid"]
            assert r.json()["reported_at"] == sent["reported_at"]
        # the same case handled 20 times at once: the first is stored, the rest see it
        assert asyncio.run(handle_twenty_times(base, ids[0])) == [201] + [409] * 19
    assert stored(db) == {"cases": 100, "events": 301}
    log = db.with_name(f"{db.name}.server.log").read_text(encoding="utf-8")
    assert "database is locked" not in log
    assert "Traceback" not in log


# ---------------------------------------------------------------- KPIs


def _populate_may(service: Service) -> None:
    """A month of varied cases in May 2024 across the seven streets."""
    streets = [f"320105{s:03d}001001" for s in range(1, 8)]
    for i in range(28):
        day = 6 + i % 20
        at = f"2024-05-{day:02d}T{9 + i % 7:02d}:00:00+08:00"
        cid = service.report(category=CATEGORIES[i % 5], grid=streets[i % 7], reported_at=at)["id"]
        soon = f"2024-05-{day:02d}T{9 + i % 7:02d}:40:00+08:00"
        late = f"2024-05-{day + 3:02d}T16:00:00+08:00"
        if i % 4 == 0:  # handled in time and closed
            for kind in ("handle", "verify_pass", "close"):
                service.event(cid, kind, soon)
        elif i % 4 == 1:  # handled late, reworked, closed
            for kind in ("handle", "verify_fail", "handle", "verify_pass", "close"):
                service.event(cid, kind, late)
        elif i % 4 == 2:  # extended, then handled
            service.event(cid, "extend", soon, extension="2 working days")
            service.event(cid, "handle", late)
        # i % 4 == 3: left open


def _export(db: Path, path: Path) -> Path:
    """The store's ``case_log`` view as an urbangov CSV log, as a DBA would export it."""
    columns = ", ".join(io.COLUMNS)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(f"SELECT {columns} FROM case_log ORDER BY case_seq, n").fetchall()
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(io.COLUMNS)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("by", ["street", "category"])
def test_the_kpi_endpoint_counts_what_urbangov_kpi_counts_on_an_export_of_the_store(
    service: Service, tmp_path: Path, by: str
) -> None:
    if not service.get("/kpi", month="2024-05", by=by)["rows"]:
        _populate_may(service)
    got = service.get("/kpi", month="2024-05", by=by)
    log = _export(service.db, tmp_path / "log.csv")
    city = str(sample_city_path())
    assert CliRunner().invoke(main, ["validate", str(log)]).exit_code == 0
    command = ["kpi", str(log), "--city", city, "--by", by, "--format", "json"]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    cli = {
        r[by]: {k: v for k, v in r.items() if k != "period"}
        for r in json.loads(result.output)
        if r["period"] == "2024-05-01"
    }
    assert {r[by]: r for r in got["rows"]} == cli
    # the same counts from kpi.counts_from_columns on the same cases
    columns = io.read_columns(log)
    policy, h = Policy.default(), sample_city().hierarchy
    table = kpi.counts_from_columns(
        columns, by=by, period="month", deadlines=policy, hierarchy=h, tz=SH
    )
    may = dt.date(2024, 5, 1)
    for row in got["rows"]:
        assert table.get((row[by], may)).as_dict() == {k: row[k] for k in COUNTS}
    whole = kpi.counts_from_columns(
        columns,
        deadlines=policy,
        start=dt.datetime(2024, 5, 1, tzinfo=SH),
        end=dt.datetime(2024, 6, 1, tzinfo=SH),
    )
    assert whole.get(()).as_dict() == {k: got["total"][k] for k in COUNTS}
    total = got["total"]  # a month with every kind of case in it
    assert total["received"] >= 28
    assert 0 < total["closed_on_time"] < total["closed"] < total["due"]
    assert min(total["reworked"], total["extended"]) > 0
