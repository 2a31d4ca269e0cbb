"""The HTTP face: FastAPI routes, error responses, startup.

Run it with ``uvicorn hotline.app:app`` from ``examples/hotline_service`` (see its
README). Settings come from the environment, read at startup:

``HOTLINE_DB``
    The SQLite file (default ``hotline.sqlite3`` in the working directory).
``URBANGOV_CITY``
    A city file (``kind = "city"``, with its organisation); default: the bundled
    sample district.
``URBANGOV_POLICY``
    A policy file; default: ``Policy.default()``.

Every route is a plain ``def``: FastAPI runs it in its thread pool, and each request
opens its own SQLite connection (:class:`hotline.store.Store`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import attrs
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from hotline import service, store
from hotline.service import BadRequestError, Report, World
from hotline.store import Store
from urbangov import TransitionError, UrbangovError
from urbangov.cases import Case, apply

__all__ = ["app", "create_app"]

PREFIX = "HX"
"""Case numbers are ``HX-000001``, ``HX-000002``, … in intake order."""


class ReportIn(BaseModel):
    """``POST /cases``: a report. Times are ISO 8601 with the UTC offset."""

    model_config = ConfigDict(extra="forbid")

    category: str
    grid: str
    reported_at: str
    source: str = "hotline"
    urgency: str = "normal"
    segment: str | None = None
    actor: str | None = None
    note: str = ""


class EventIn(BaseModel):
    """``POST /cases/{id}/events``: one event (``at`` defaults to the server's clock)."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    at: str | None = None
    actor: str | None = None
    department: str | None = None
    extension: str | None = None
    outcome: str | None = None
    note: str = ""


class CaseNotFoundError(Exception):
    """No case has the id."""

    def __init__(self, case_id: str) -> None:
        super().__init__(case_id)
        self.case_id = case_id


# ------------------------------------------------------------------ errors → HTTP


def _error(
    status: int, kind: str, field: str | None, message: str, hint: str | None
) -> JSONResponse:
    detail = f"{field}: {message}" if field else message
    if hint:
        detail = f"{detail}; {hint}"
    body = {"error": kind, "field": field, "message": message, "hint": hint, "detail": detail}
    return JSONResponse(body, status_code=status)


def _urbangov_error(status: int) -> Any:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, UrbangovError)
        return _error(status, type(exc).__name__, exc.field, exc.message, exc.hint)

    return handle


async def _bad_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BadRequestError)
    return _error(422, "BadRequestError", exc.field, exc.message, exc.hint)


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CaseNotFoundError)
    return _error(
        404, "CaseNotFoundError", "id", f"no case {exc.case_id!r}", "check the case number"
    )


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's request validation: malformed JSON is 400, a wrong shape 422; the
    field is the dotted path inside the body or the query."""
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    first = errors[0] if errors else {"loc": (), "msg": "invalid request", "type": ""}
    loc = [str(part) for part in first.get("loc", ())]
    field = ".".join(loc[1:]) if len(loc) > 1 else (loc[0] if loc else "body")
    if first.get("type") == "json_invalid":
        return _error(400, "MalformedJSON", "body", "the body is not JSON", "send a JSON object")
    if first.get("type") == "extra_forbidden":
        return _error(422, "UnknownField", field, "is not a field here", "leave it out")
    return _error(422, "InvalidRequest", field, str(first.get("msg")), None)


# ------------------------------------------------------------------ the app


def create_app(
    db: str | Path | None = None,
    city: str | Path | None = None,
    policy: str | Path | None = None,
) -> FastAPI:
    """The service; arguments left ``None`` are read from the environment at startup."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        world = World.load(
            city or os.environ.get("URBANGOV_CITY"), policy or os.environ.get("URBANGOV_POLICY")
        )
        db_path = Path(db or os.environ.get("HOTLINE_DB") or "hotline.sqlite3")
        db_store = Store(db_path)
        db_store.migrate()
        app.state.world, app.state.store = world, db_store
        yield

    app = FastAPI(title="urbangov hotline example", lifespan=lifespan)
    app.add_exception_handler(TransitionError, _urbangov_error(409))
    app.add_exception_handler(UrbangovError, _urbangov_error(422))
    app.add_exception_handler(BadRequestError, _bad_request)
    app.add_exception_handler(CaseNotFoundError, _not_found)
    app.add_exception_handler(RequestValidationError, _invalid)

    def world_of(request: Request) -> World:
        found: World = request.app.state.world
        return found

    def store_of(request: Request) -> Store:
        found: Store = request.app.state.store
        return found

    def at_or_now(at: str | None, world: World) -> dt.datetime:
        return service.parse_instant(at, "at") if at is not None else dt.datetime.now(world.tz)

    @app.get("/health")
    def health(request: Request) -> dict[str, Any]:
        with store_of(request).read() as conn:
            counts = store.counts(conn)
        return {"status": "ok", **counts}

    @app.post("/cases", status_code=201)
    def report(body: ReportIn, request: Request) -> dict[str, Any]:
        world = world_of(request)
        # The rules of intake run before the transaction, the answer's (due time,
        # escalation) inside it: whatever urbangov refuses, nothing is stored.
        case = service.intake(Report(**body.model_dump()), f"{PREFIX}-pending", world)
        with store_of(request).write() as conn:
            seq = store.next_number(conn)
            case = attrs.evolve(case, id=f"{PREFIX}-{seq:06d}")
            row, events = service.rows_of(case, seq)
            store.insert_case(conn, row)
            store.append_events(conn, seq, events)
            return service.case_view(case, case.reported_at, world)  # raises → rolled back

    def _load(conn: Any, case_id: str, world: World) -> tuple[int, Case]:
        found = store.load_case(conn, case_id)
        if found is None:
            raise CaseNotFoundError(case_id)
        row, events = found
        return row.seq, service.rebuild(row, events, world)

    @app.post("/cases/{case_id}/events", status_code=201)
    def record(case_id: str, body: EventIn, request: Request) -> dict[str, Any]:
        world = world_of(request)
        parts = body.model_dump(exclude={"kind", "at"})
        event = service.event_of(body.kind, body.at, world, **parts)
        with store_of(request).write() as conn:  # the case's history cannot move under us
            seq, case = _load(conn, case_id, world)
            case = apply(case, event, world.policy)  # TransitionError → 409, rolled back
            store.append_events(conn, seq, [service.event_row(len(case.history) - 1, event)])
            return service.case_view(case, event.at, world)  # raises → rolled back

    @app.get("/cases/{case_id}")
    def show(case_id: str, request: Request, at: str | None = None) -> dict[str, Any]:
        world = world_of(request)
        when = at_or_now(at, world)
        with store_of(request).read() as conn:
            _, case = _load(conn, case_id, world)
        return service.case_view(case, when, world)

    def _all(request: Request, world: World) -> list[Case]:
        with store_of(request).read() as conn:
            rows = store.load_all(conn)
        return [service.rebuild(row, events, world) for row, events in rows]

    @app.get("/overdue")
    def overdue(request: Request, at: str | None = None) -> dict[str, Any]:
        world = world_of(request)
        return service.overdue_view(_all(request, world), at_or_now(at, world), world)

    @app.get("/kpi")
    def kpi(request: Request, month: str, by: str = "street") -> dict[str, Any]:
        world = world_of(request)
        service.parse_month(month)  # a bad month fails before the cases are read
        return service.kpi_view(_all(request, world), month, by, world)

    return app


app = create_app()
"""The app ``uvicorn hotline.app:app`` serves (settings from the environment)."""
