"""The load bench in its quick mode: the three everyday pages through gunicorn, no errors.

It runs on SQLite, the embedded default, with a team leader previewing a Mosaic file of the
largest size and someone logging in beside the load: no request may fail ("database is
locked" was the review's finding).

The latency targets are printed, not asserted here: this machine is shared with other test
runs, so a missed p95 says more about the neighbours than about the pages. `bench/load.py`
run on its own is the measurement.
"""

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROW = re.compile(
    r"^(?P<page>my sessions|approvals|approve|board|mosaic preview|login)\s+"
    r"(?P<users>\d+)\s+(?P<requests>\d+)\s+"
    r"[\d.]+\s+[\d.]+\s+[\d.]+\s+(?P<errors>\d+)",
    re.MULTILINE,
)


def test_the_quick_load_run_serves_every_request_without_an_error_beside_an_import():
    result = subprocess.run(
        [
            sys.executable,
            str(Path(settings.BASE_DIR) / "bench" / "load.py"),
            "--quick",
            "--with-import",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )

    output = result.stdout + result.stderr
    assert result.returncode in (0, 2), output  # 1 means some request failed
    rows = {m["page"]: m for m in ROW.finditer(result.stdout)}
    assert set(rows) == {
        "my sessions",
        "approvals",
        "approve",
        "board",
        "mosaic preview",
        "login",
    }, output
    assert (int(rows["my sessions"]["users"]), int(rows["approvals"]["users"])) == (30, 3)
    for row in rows.values():
        assert int(row["requests"]) > 0 and int(row["errors"]) == 0, output
