"""A session with the hotline service: the README's requests and their real responses.

Starts ``uvicorn hotline.app:app`` on a free port over a new SQLite file (in a
temporary folder), sends the requests of the README and prints a line per request,
then the JSON bodies the README quotes. Run it from anywhere:
``python examples/hotline_service/demo.py``.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import httpx

from hotline.serve import running

GRID = "320105001001001"  # 南湖一社区第1网格, 南湖街道
OTHER = "320105002001001"  # a grid of 滨湖街道
EVE = "2024-09-30T16:00:00+08:00"  # the afternoon before the National Day holiday


WIDTH = 88


def pretty(value: Any, indent: int = 0, lead: int = 0) -> str:
    """JSON with a value on one line when it fits in :data:`WIDTH` columns (``lead``:
    the columns before it on its line)."""
    flat = json.dumps(value, ensure_ascii=False)
    if indent + lead + len(flat) <= WIDTH or not isinstance(value, dict | list) or not value:
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            key = json.dumps(k, ensure_ascii=False) + ": "
            items.append(pad + key + pretty(v, indent + 2, len(key)))
        opening, closing = "{", "}"
    else:
        items = [pad + pretty(v, indent + 2) for v in value]
        opening, closing = "[", "]"
    return opening + "\n" + ",\n".join(items) + "\n" + " " * indent + closing


def show(title: str, body: Any) -> None:
    """A body the README quotes, as JSON."""
    print(f"\n--- {title}")
    print(pretty(body))


def session(client: httpx.Client) -> None:
    """The requests, in order."""
    r = client.post(
        "/cases",
        json={"category": "暴露垃圾", "grid": GRID, "reported_at": EVE, "actor": "operator_7"},
    )
    first = r.json()
    print(f"POST /cases → {r.status_code} {first['id']} dispatched to "
          f"{first['department']['name']}, due {first['due']}")  # fmt: skip
    quoted = {"POST /cases": first}

    r = client.post("/cases", json={"category": "暴露拉圾", "grid": GRID, "reported_at": EVE})
    print(f"POST /cases (a misspelt category) → {r.status_code} {r.json()['detail']}")
    quoted["POST /cases (a misspelt category)"] = r.json()

    r = client.post("/cases/HX-000001/events", json={"kind": "close", "at": EVE})
    print(f"POST /cases/HX-000001/events close → {r.status_code} {r.json()['message']}")
    quoted["POST /cases/HX-000001/events close"] = r.json()

    later = "2024-10-15T09:00:00+08:00"
    r = client.get("/cases/HX-000001", params={"at": later})
    seen = r.json()
    steps = ", ".join(s["title"] for s in seen["escalation"]["taken"])
    nxt = seen["escalation"]["next"]
    print(f"GET /cases/HX-000001?at={later} → overdue {seen['overdue']}, remaining "
          f"{seen['remaining']}; taken: {steps}; next: {nxt['title']} at {nxt['at']}")  # fmt: skip
    quoted[f"GET /cases/HX-000001?at={later} (the fields that moved)"] = {
        k: seen[k] for k in ("at", "overdue", "remaining", "remaining_seconds", "escalation")
    }

    poll = "2024-10-16T09:00:00+08:00"
    r = client.get("/overdue", params={"at": poll})
    listed = r.json()
    cases = ", ".join(f"{c['id']} ({c['step_title']})" for c in listed["cases"])
    print(f"GET /overdue?at={poll} → {listed['count']} open case past due: {cases}")
    quoted[f"GET /overdue?at={poll}"] = listed

    for kind, at in (("handle", "10:00"), ("verify_pass", "10:30"), ("close", "11:00")):
        r = client.post(
            "/cases/HX-000001/events", json={"kind": kind, "at": f"2024-10-16T{at}:00+08:00"}
        )
        print(f"POST /cases/HX-000001/events {kind} → {r.status_code} {r.json()['status']}")

    r = client.post(
        "/cases",
        json={"category": "道路不洁", "grid": OTHER, "reported_at": "2024-10-08T09:00:00+08:00"},
    )
    second = r.json()
    print(f"POST /cases → {r.status_code} {second['id']} dispatched to "
          f"{second['department']['name']}, due {second['due']}")  # fmt: skip
    for kind, at in (("handle", "10:30"), ("verify_pass", "10:45"), ("close", "11:00")):
        r = client.post(
            f"/cases/{second['id']}/events", json={"kind": kind, "at": f"2024-10-08T{at}:00+08:00"}
        )
    print(f"POST /cases/{second['id']}/events handle, verify_pass, close → {r.status_code} "
          f"{r.json()['status']}, overdue {r.json()['overdue']}")  # fmt: skip

    r = client.get("/kpi", params={"month": "2024-10", "by": "street"})
    table = r.json()
    for row in table["rows"]:
        print(f"GET /kpi?month=2024-10&by=street → {row['name']}: due {row['due']}, closed "
              f"{row['closed']}, on time {row['closed_on_time']}, on-time rate "
              f"{row['on_time_rate']}%")  # fmt: skip
    quoted["GET /kpi?month=2024-10&by=street"] = table

    for title, body in quoted.items():
        show(title, body)


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        running(Path(folder) / "hotline.sqlite3") as base,
        httpx.Client(base_url=base) as client,
    ):
        session(client)


if __name__ == "__main__":
    main()
