"""Deterministic generator of larger rota scenarios, modelled on typical-week.json.

    python bench/scenarios.py OUTDIR [--seed N] [--source typical-week.json]

writes OUTDIR/two-weeks.json (the typical week over ten working days, ~520 sessions) and
OUTDIR/county-x4.json (a county four times the size: venues x4 with distinct ids, ~1,000
sessions, ~130 workers, ~140 rooms).
"""

from __future__ import annotations

import argparse
import copy
import datetime
import json
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lib.service_day import clock  # noqa: E402
from lib.travel import UNLISTED_TRAVEL_MINUTES  # noqa: E402
from scheduling.solver.model import to_minutes  # noqa: E402

DEFAULT_SOURCE = REPO / ".." / "shared" / "scenarios" / "typical-week.json"


def _shift_day(day: str, days: int) -> str:
    return (datetime.date.fromisoformat(day) + datetime.timedelta(days=days)).isoformat()


def two_weeks(base: dict, seed: int = 1) -> dict:
    """The week twice: days, availability, closures and sessions repeated a week later."""
    rng = random.Random(seed)
    d = copy.deepcopy(base)
    d["name"] = "two-weeks"
    d["days"] = base["days"] + [_shift_day(x, 7) for x in base["days"]]
    for venue in d["venues"]:
        for room in venue["rooms"]:
            room["closed"] = room.get("closed", []) + [
                {**c, "day": _shift_day(c["day"], 7)} for c in room.get("closed", [])
            ]
    for w in d["workers"]:
        w["available"] = w["available"] + [
            {**a, "day": _shift_day(a["day"], 7)} for a in w["available"]
        ]
        w["contract_minutes"] *= 2
    second = []
    for s in base["sessions"]:
        t = copy.deepcopy(s)
        t["id"] = f"{s['id']}-w2"
        t["day"] = _shift_day(s["day"], 7)
        lo, hi = to_minutes(s["earliest_start"]), to_minutes(s["latest_start"])
        if s.get("preferred_start") and hi > lo:
            pref = to_minutes(s["preferred_start"]) + rng.choice([-15, -5, 0, 0, 5, 15])
            t["preferred_start"] = clock(min(hi, max(lo, pref)))
        second.append(t)
    d["sessions"] = base["sessions"] + second
    d["pinned"] = []
    return d


def county_x4(base: dict, seed: int = 2, copies: int = 4, workers_dropped: int = 10) -> dict:
    """Four neighbouring areas like the base one; a few sessions may use the next area."""
    rng = random.Random(seed)
    d = copy.deepcopy(base)
    d["name"] = "county-x4"
    vid = [v["id"] for v in base["venues"]]

    def v_of(v: str, k: int) -> str:
        return v if k == 0 else f"{v}-{k + 1}"

    def w_of(w: str, k: int) -> str:
        return w if k == 0 else f"{w}-{k + 1}"

    d["venues"] = []
    for k in range(copies):
        for v in base["venues"]:
            nv = copy.deepcopy(v)
            nv["id"], nv["name"] = v_of(v["id"], k), f"{v['name']} ({k + 1})"
            nv["area"] = f"{v.get('area')}-{k + 1}"
            for room in nv["rooms"]:
                room["id"] = v_of(room["id"], k)
            d["venues"].append(nv)
    given = {}
    for a, row in base["travel_minutes"].items():
        for b, t in row.items():
            given[(a, b)] = given[(b, a)] = t
    travel: dict[str, dict[str, int]] = {}
    for k1 in range(copies):
        for k2 in range(k1, copies):
            for a in vid:
                for b in vid:
                    if k1 == k2 and (a == b or (a, b) not in given or a > b):
                        continue
                    base_t = 0 if a == b else given.get((a, b), UNLISTED_TRAVEL_MINUTES)
                    t = base_t if k1 == k2 else base_t + 20 + 15 * (k2 - k1)
                    travel.setdefault(v_of(a, k1), {})[v_of(b, k2)] = t
    d["travel_minutes"] = travel
    workers = []
    for k in range(copies):
        for w in base["workers"]:
            nw = copy.deepcopy(w)
            nw["id"], nw["name"] = w_of(w["id"], k), f"{w['name']} ({k + 1})"
            nw["area"] = f"{w.get('area')}-{k + 1}"
            nw["base"] = v_of(w["base"], k) if w.get("base") else None
            workers.append(nw)
    dropped = set(rng.sample([w["id"] for w in workers], workers_dropped))
    d["workers"] = [w for w in workers if w["id"] not in dropped]
    sessions = []
    for k in range(copies):
        for s in base["sessions"]:
            ns = copy.deepcopy(s)
            ns["id"] = f"{s['id']}-{k + 1}"
            ns["children"] = [f"{c}-{k + 1}" for c in s["children"]]
            ns["venues"] = [v_of(v, k) for v in s["venues"]]
            if ns["venues"] and rng.random() < 0.08 and k + 1 < copies:
                ns["venues"].append(v_of(s["venues"][0], k + 1))
            for key in ("continuity_workers", "excluded_workers"):
                ns[key] = [w_of(w, k) for w in s[key] if w_of(w, k) not in dropped]
            sessions.append(ns)
    d["sessions"] = sessions
    d["pinned"] = []
    return d


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--source", default=str(DEFAULT_SOURCE))
    args = parser.parse_args(argv)
    with open(args.source, encoding="utf-8") as f:
        base = json.load(f)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in (
        ("two-weeks", two_weeks(base, args.seed)),
        ("county-x4", county_x4(base, args.seed + 1)),
    ):
        path = out / f"{name}.json"
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
        print(
            f"{path}: {len(data['sessions'])} sessions, {len(data['workers'])} workers, "
            f"{sum(len(v['rooms']) for v in data['venues'])} rooms, {len(data['days'])} days"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
