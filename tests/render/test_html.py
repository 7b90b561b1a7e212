"""The HTML report: self-contained, carries every step's state, and works in a real browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from evcheck import load_spec, verify_spec
from evcheck.render.html import html_report
from tests.conftest import SPECS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def report(name: str = "lww_no_tiebreak.py") -> str:
    return html_report(verify_spec(load_spec(SPECS / name)))


def test_report_is_self_contained() -> None:
    page = report()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<svg" in page and "<script>" in page and "<style>" in page


def test_report_carries_every_step() -> None:
    page = report()
    data = re.search(r'<script type="application/json" id="steps-data">(.*?)</script>', page, re.S)
    assert data is not None
    steps = json.loads(data.group(1))
    assert [s["action"] for s in steps][:2] == [None, "write@r1('a')"]
    assert steps[-1]["components"]["r2"]["value"] == "'b'"
    assert page.count('class="row"') == len(steps)
    assert "quiescent_convergence violated:" in page


def test_report_without_counterexample() -> None:
    page = report("lww.py")
    assert "OK: all properties hold" in page and "<svg" not in page


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_report_renders_in_a_real_browser(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(report())
    profile = tmp_path / "profile"
    base = [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    dom = subprocess.run(
        [*base, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=90, check=True
    ).stdout
    # The script ran: it filled the state panel with the last step and its fields.
    assert "State 6: deliver r2-&gt;r3 Update(value='b', stamp=(1, r2))" in dom
    assert dom.count("<tr") > 6
    shot = tmp_path / "report.png"
    subprocess.run(
        [*base, "--window-size=1400,800", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=90,
        check=True,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000
