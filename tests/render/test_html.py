"""The HTML report: self-contained, carries every step's state, and works in a real browser."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evcheck import load_spec, verify_spec
from evcheck.render.html import html_report, script_json
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


def test_a_passing_report_shows_properties_statistics_and_faults() -> None:
    page = report("lww.py")
    assert "OK: all properties hold" in page and "<svg" not in page
    assert (
        '<td>quiescent_convergence</td><td class="holds">holds (quiescent states checked: 39)</td>'
        in page
    )
    assert "states: 1,629 distinct" in page and "faults: none declared" in page


def test_stopped_and_simulated_reports_say_so() -> None:
    from evcheck.runner import simulate_spec
    from evcheck.search import Limits

    spec = load_spec(SPECS / "lww.py")
    stopped = html_report(verify_spec(spec, limits=Limits(max_states=10)))
    assert '<p class="verdict stopped">STOPPED: ' in stopped
    assert "no violation found (search stopped first)" in stopped
    simulated = html_report(simulate_spec(spec, runs=2, depth=3, seed=1))
    assert "OK: no violation in 2 random run(s)" in simulated
    assert "no violation in the runs made" in simulated


def test_a_failing_report_shows_the_verdicts_too() -> None:
    page = report()
    assert 'class="violated">VIOLATED (6 steps) (quiescent states checked: 10)</td>' in page
    assert "fingerprint collision probability" in page


def test_lost_messages_reach_their_receiver_and_pending_ones_are_drawn() -> None:
    spec = load_spec(SPECS / "lww_loss.py").with_settings({"replicas": 3})
    page = html_report(verify_spec(spec))
    # r1 at x=90, r3 at x=410: the dashed line ends on r3's lane, the cross just before it.
    assert '<line class="msg lost" x1="90" y1="158" x2="410" y2="158"/>' in page
    assert 'd="M396,153 L406,163 M396,163 L406,153"' in page
    assert "drop r1-&gt;r3 Update(value=&#x27;a&#x27;" in page
    pending = html_report(verify_spec(load_spec(SPECS / "store_monotonic_writes.py")))
    assert "still in flight when it failed:" in pending
    assert '<line class="msg pending"' in pending
    assert "r1-&gt;r2 KeyUpdate(key=&#x27;x&#x27;, value=&#x27;s1.1&#x27;" in pending


def test_conflict_steps_are_highlighted() -> None:
    result = verify_spec(load_spec(SPECS / "store_monotonic_writes.py"))
    assert result.counterexample is not None
    cex = dataclasses.replace(result.counterexample, conflict_steps=(1, 5))
    page = html_report(result, cex)
    assert page.count('tabindex="0" data-conflict') == 2
    assert '<g class="row" data-step="5" tabindex="0" data-conflict' in page
    assert "operations Z3 names in the conflict" in page


def test_multi_line_explanations_are_one_fact_per_item() -> None:
    result = verify_spec(load_spec(SPECS / "lww_no_tiebreak.py"))
    assert result.counterexample is not None
    cex = dataclasses.replace(
        result.counterexample,
        explanation="r1 and r2 differ: quiescent_convergence violated\nr1 holds 'a'\n"
        "confirmed by Z3: no order explains it",
    )
    page = html_report(result, cex)
    assert "<b>quiescent_convergence violated:</b> r1 and r2 differ</p>" in page
    assert '<li class="">r1 holds &#x27;a&#x27;</li>' in page
    assert '<li class="z3">confirmed by Z3: no order explains it</li>' in page


HOSTILE = "</script><!--<script>&\u2028\u2029"


@given(st.recursive(st.text() | st.integers() | st.none(), st.lists, max_leaves=8))
@settings(max_examples=60, deadline=None)
def test_script_json_never_leaves_its_element(data: object) -> None:
    text = script_json([data, HOSTILE])
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == [data, HOSTILE]


def hostile_page(write_spec: Any) -> str:
    spec = write_spec(
        "from evcheck import Spec, quiescent_convergence\n"
        "from evcheck.models import NoTiebreakLWW\n"
        f"spec = Spec(NoTiebreakLWW, replicas=2, values=({HOSTILE!r}, 'b'), ops_per_replica=1,"
        " properties=[quiescent_convergence])\n"
    )
    return html_report(verify_spec(load_spec(spec)))


def test_values_cannot_break_the_reports_script(write_spec: Any) -> None:
    page = hostile_page(write_spec)
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert "<!--" not in page


def browser(tmp_path: Path, page: str, *extra: str) -> str:
    """The DOM after the page's scripts ran, in headless Chromium."""
    path = tmp_path / "report.html"
    path.write_text(page)
    base = [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    return subprocess.run(
        [*base, *extra, "--dump-dom", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    ).stdout


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)"
)


@needs_chromium
def test_report_renders_in_a_real_browser(tmp_path: Path) -> None:
    dom = browser(tmp_path, report())
    # The script ran: it filled the state panel with the last step and its grid.
    assert "State 6: deliver r2-&gt;r3 Update(value='b', stamp=(1, r2))" in dom
    assert "<th>r1</th>" in dom and "<th>stamp</th>" in dom
    shot = tmp_path / "report.png"
    base = [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    subprocess.run(
        [
            *base,
            "--window-size=1400,800",
            f"--screenshot={shot}",
            (tmp_path / "report.html").as_uri(),
        ],
        capture_output=True,
        timeout=90,
        check=True,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000


PRESS = """<script>
for (const key of KEYS_TO_PRESS) document.dispatchEvent(new KeyboardEvent('keydown', {key}));
document.body.dataset.focused = document.activeElement.dataset.step;
const chart = document.querySelector('.chart');
document.body.dataset.chart = chart.scrollWidth > chart.clientWidth ? 'scrolls' : 'fits';
document.body.dataset.page = document.documentElement.scrollWidth <= innerWidth ? 'fits' : 'wide';
</script></body>"""


@needs_chromium
def test_the_keyboard_steps_through_the_trace(tmp_path: Path) -> None:
    page = report().replace("</body>", PRESS.replace("KEYS_TO_PRESS", "['k', 'ArrowUp', 'j', 'k']"))
    dom = browser(tmp_path, page, "--window-size=1400,800")
    assert "State 4: deliver r1-&gt;r3 Update(value='a', stamp=(1, r1))" in dom
    assert 'data-focused="4"' in dom and 'data-chart="fits"' in dom
    assert '<g class="row selected" data-step="4"' in dom
    home = browser(
        tmp_path, report().replace("</body>", PRESS.replace("KEYS_TO_PRESS", "['Home']"))
    )
    assert "State 0: initial" in home and 'data-focused="0"' in home


@needs_chromium
def test_a_wide_chart_scrolls_inside_its_panel(tmp_path: Path) -> None:
    page = report().replace("</body>", PRESS.replace("KEYS_TO_PRESS", "[]"))
    dom = browser(tmp_path, page, "--window-size=420,800")
    assert 'data-chart="scrolls"' in dom and 'data-page="fits"' in dom


@needs_chromium
def test_hostile_values_leave_the_script_running(tmp_path: Path, write_spec: Any) -> None:
    dom = browser(tmp_path, hostile_page(write_spec))
    assert "State 4: " in dom and "<th>value</th>" in dom
