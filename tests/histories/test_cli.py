"""`evcheck check-history` end to end: every format, the options, exit codes, and
malformed input (a message naming file and line, exit 2, never a traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evcheck.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check-history", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return str(path)


def test_evcheck_format(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "history.jsonl",
        "\n".join(
            [
                '{"session": "s1", "op": "write", "value": "a", "replica": "r1"}',
                '{"session": "s1", "op": "write", "value": "b", "replica": "r1"}',
                '{"session": "s2", "op": "read", "value": "b", "replica": "r1"}',
                "",
                '{"session": "s2", "op": "read", "value": "a", "replica": "r2"}',
            ]
        ),
    )
    code, out, _ = run(path, "-p", "monotonic_reads", "-p", "read_your_writes")
    assert code == 1
    assert "judged by Z3 and monitors" in out
    assert "monotonic_reads: VIOLATED: session s2 read 'a' at step 5 on r2" in out
    assert "read_your_writes: holds" in out
    code, out, _ = run(path, "-p", "read_your_writes", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == "evcheck.history-check/2" and data["operations"] == 4
    assert data["verdicts"] == [
        {
            "property": "read_your_writes",
            "holds": True,
            "explanation": "",
            "judges": ["monitors", "Z3"],
        }
    ]


JEPSEN_JSON = [
    {"process": 0, "type": "invoke", "f": "write", "value": 1},
    {"process": 1, "type": "invoke", "f": "read", "value": None},
    {"process": 0, "type": "ok", "f": "write", "value": 1},
    {"process": 1, "type": "ok", "f": "read", "value": 1},
    {"process": 0, "type": "invoke", "f": "write", "value": 2},
    {"process": 0, "type": "ok", "f": "write", "value": 2},
    {"process": 2, "type": "invoke", "f": "write", "value": 3},
    {"process": 2, "type": "fail", "f": "write", "value": 3},
    {"process": 1, "type": "invoke", "f": "read", "value": None},
    {"process": 1, "type": "ok", "f": "read", "value": 1},
]


def test_jepsen_records_as_json(tmp_path: Path) -> None:
    path = write(tmp_path, "jepsen.jsonl", "\n".join(json.dumps(r) for r in JEPSEN_JSON))
    code, out, _ = run(path, "-p", "linearizability")
    assert code == 1
    assert "session 1 read 1 at step 9 cannot be linearized" in out
    assert "these 3 cannot be linearized together" in out
    path = write(tmp_path, "ok.jsonl", "\n".join(json.dumps(r) for r in JEPSEN_JSON[:6]))
    code, out, _ = run(path, "-p", "linearizability")
    assert code == 0 and "linearizability: holds" in out


KNOSSOS_EDN = """[{:process 0, :type :invoke, :f :read, :value nil}
 {:process 0, :type :ok, :f :read, :value 0}
 {:process 1, :type :invoke, :f :cas, :value [0 3]}
 {:process :nemesis, :type :info, :f :start, :value nil}
 {:process 1, :type :fail, :f :cas, :value [0 3]}
 {:process 2, :type :invoke, :f :write, :value 4}
 {:process 2, :type :ok, :f :write, :value 4}
 {:process 0, :type :invoke, :f :read, :value nil}
 {:process 0, :type :ok, :f :read, :value 4}]
"""


def test_knossos_edn_with_an_initial_value_and_a_nemesis(tmp_path: Path) -> None:
    path = write(tmp_path, "history.edn", KNOSSOS_EDN)
    code, out, _ = run(path, "-p", "linearizability", "--initial", "0")
    assert code == 0, out
    assert "set aside: 1 record(s) of non-client process(es) nemesis (first at line 4)" in out
    code, out, _ = run(path, "-p", "linearizability")  # nil at first, so reading 0 is wrong
    assert code == 1 and "session 0 read 0" in out
    # Knossos reads the failed cas as "did not happen"; as a compare that failed against
    # 0 (Porcupine's reading), it is impossible.
    log = write(
        tmp_path,
        "history.log",
        "\n".join(
            [
                "INFO  jepsen.util - 0\t:invoke\t:read\tnil",
                "INFO  jepsen.util - 0\t:ok\t:read\t0",
                "INFO  jepsen.util - 1\t:invoke\t:cas\t[0 3]",
                "INFO  jepsen.util - 1\t:fail\t:cas\t[0 3]",
            ]
        ),
    )
    code, out, _ = run(log, "-p", "linearizability", "--initial", "0")
    assert code == 1 and "cas 0->3 (compare failed)" in out


def test_jepsen_log_with_timeouts(tmp_path: Path) -> None:
    lines = [
        "INFO  jepsen.core - Running test",
        "INFO  jepsen.util - 3\t:invoke\t:write\t2",
        "INFO  jepsen.util - 3\t:info\t:write\t:timed-out",
        "INFO  jepsen.util - :nemesis\t:info\t:start\tnil",
        "INFO  jepsen.util - 4\t:invoke\t:read\tnil",
        "INFO  jepsen.util - 4\t:ok\t:read\t2",
        "INFO  jepsen.util - 0\t:invoke\t:cas\t[2 1]",
        "INFO  jepsen.util - 0\t:ok\t:cas\t[2 1]",
        "INFO  jepsen.util - 4\t:invoke\t:read\tnil",
        "INFO  jepsen.util - 4\t:ok\t:read\t1",
    ]
    path = write(tmp_path, "etcd.log", "\n".join(lines))
    code, out, _ = run(path, "-p", "linearizability")
    assert code == 0, out
    code, out, err = run(path, "-p", "linearizability", "--non-client", "nobody")
    assert code == 2  # the nemesis is now a client doing an unknown operation
    assert f"{path}:4: info for process nemesis without an invoke" in err


def test_keyed_get_put_append(tmp_path: Path) -> None:
    lines = [
        '{:process 0, :type :invoke, :f :append, :key "x", :value "a"}',
        '{:process 0, :type :ok, :f :append, :key "x", :value "a"}',
        '{:process 1, :type :invoke, :f :put, :key "y", :value "b"}',
        '{:process 1, :type :ok, :f :put, :key "y", :value "b"}',
        '{:process 0, :type :invoke, :f :append, :key "x", :value "c"}',
        '{:process 0, :type :ok, :f :append, :key "x", :value "c"}',
        '{:process 1, :type :invoke, :f :get, :key "x", :value nil}',
        '{:process 1, :type :ok, :f :get, :key "x", :value "ac"}',
        '{:process 1, :type :invoke, :f :get, :key "y", :value nil}',
        '{:process 1, :type :ok, :f :get, :key "y", :value "b"}',
    ]
    path = write(tmp_path, "kv.txt", "\n".join(lines))
    code, out, _ = run(path, "-p", "linearizability", "--initial", '""')
    assert code == 0 and "on 2 key(s)" in out, out
    path = write(tmp_path, "kv2.txt", "\n".join([*lines[:7], lines[7].replace('"ac"', '"ca"')]))
    code, out, _ = run(path, "-p", "linearizability", "--initial", '""')
    assert code == 1 and "timeline of key 'x'" in out


def test_replicas_that_forward_writes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "forward.jsonl",
        '{"session": "s1", "op": "write", "value": "a", "replica": "r2"}\n'
        '{"session": "s2", "op": "read", "value": null, "replica": "r2"}\n',
    )
    code, out, _ = run(path, "-p", "monotonic_reads")
    assert code == 1
    assert "replica assumption violated" in out
    assert "r2 did not apply its own write 'a'" in out
    assert "not monotonic_reads itself" in out
    code, out, _ = run(path, "-p", "monotonic_reads", "--replicas-forward-writes")
    assert code == 0, out


def test_html_timeline_escapes_what_the_history_says(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>"
    records = [
        {"process": hostile, "type": "invoke", "f": "write", "value": hostile},
        {"process": hostile, "type": "ok", "f": "write", "value": hostile},
        {"process": 1, "type": "invoke", "f": "read", "value": None},
        {"process": 1, "type": "ok", "f": "read", "value": "other"},
    ]
    path = write(tmp_path, "h.jsonl", "\n".join(json.dumps(r) for r in records))
    page = tmp_path / "timeline.html"
    code, _, _ = run(path, "-p", "linearizability", "--html", str(page))
    assert code == 1
    html = page.read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "class='op conflict'" in html


def test_a_limit_stops_without_a_verdict(tmp_path: Path) -> None:
    lines = []
    for i in range(5000):
        lines.append(json.dumps({"process": 0, "type": "invoke", "f": "write", "value": i}))
        lines.append(json.dumps({"process": 0, "type": "ok", "f": "write", "value": i}))
    path = write(tmp_path, "long.jsonl", "\n".join(lines))
    code, out, _ = run(path, "-p", "linearizability", "--max-time", "0")
    assert code == 3
    assert "stopped before a verdict: time limit" in out and "holds" not in out


DEEP_JSON = '{"session": "s", "op": "write", "value": ' + "[" * 100_000 + "]" * 100_000 + "}"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("h.jsonl", "{oops", "h.jsonl:1: not JSON"),
        ("h.jsonl", '{"session": "s1", "op": "write"}', "h.jsonl:1: missing field 'value'"),
        (
            "h.jsonl",
            '{"session": "s1", "op": "delete", "value": 1}',
            "h.jsonl:1: operation must be",
        ),
        (
            "h.jsonl",
            '{"process": 0, "type": "ok", "f": "read"}',
            "h.jsonl:1: ok for process 0 without an invoke",
        ),
        (
            "h.jsonl",
            '{"process": 0, "type": "invoke", "f": "read"}\n{"process": 0, "type": "invoke", "f": "read"}',
            "h.jsonl:2: process 0 invokes again",
        ),
        ("h.jsonl", "", "the history is empty"),
        (
            "h.jsonl",
            '\n{"process": [1], "type": "invoke", "f": "read"}',
            "h.jsonl:2: a process must be",
        ),
        (
            "h.jsonl",
            '{"process": {"a": 1}, "type": "invoke", "f": "read"}',
            "h.jsonl:1: a process must be",
        ),
        (
            "h.jsonl",
            '{"session": "s", "op": "write", "value": {"a": 1}}',
            "h.jsonl:1: a value cannot be a map",
        ),
        (
            "h.jsonl",
            '{"session": ["s"], "op": "write", "value": 1}',
            "h.jsonl:1: a session must be",
        ),
        ("h.jsonl", DEEP_JSON, "h.jsonl:1: JSON nested too deeply"),
        ("h.jsonl", b'{"session": "s"}\n\xff\xfe', "h.jsonl:2: not UTF-8 text"),
        ("h.jsonl", b"\x00\x01binary", "h.jsonl:1: binary data"),
        ("h.edn", "[" * 100_000, "h.edn:1: not EDN: nested deeper than"),
        ("h.edn", "[{:process 0 :type :invoke}\n", "h.edn:1: not EDN: '[' is never closed"),
        (
            "h.edn",
            "[{:process 0 :type :invoke :f :txn :value [[:r :x nil]]}]",
            "h.edn:1: multi-key transactions",
        ),
        ("h.edn", "[{:process 0\n :type :invoke :f :cas :value 3}]", "h.edn:1: a cas takes"),
        ("h.edn", "[1 2]", "h.edn:1: expected an operation map"),
        ("h.log", "INFO jepsen.util - 0 :invoke\n", "h.log:1: expected `process :type :f value`"),
        ("h.log", "INFO jepsen.util - 0 :invoke :write [1 2\n", "h.log:1: the value is not EDN"),
    ],
)
def test_malformed_input(tmp_path: Path, name: str, content: str | bytes, message: str) -> None:
    path = write(tmp_path, name, content)
    code, _, err = run(path, "-p", "linearizability")
    assert code == 2
    assert message in err and "Traceback" not in err


def test_session_guarantees_refuse_operations_they_do_not_define(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "h.log",
        "INFO jepsen.util - 0 :invoke :cas [1 2]\nINFO jepsen.util - 0 :ok :cas [1 2]\n",
    )
    code, _, err = run(path, "-p", "monotonic_reads")
    assert code == 2 and "monotonic_reads is judged on reads and writes" in err


def test_strong_eventual_consistency(tmp_path: Path) -> None:
    lines = [
        '{"session": "s1", "op": "write", "value": "a", "replica": "r1"}',
        '{"session": "s2", "op": "write", "value": "b", "replica": "r2"}',
        '{"session": "c1", "op": "read", "value": "a", "replica": "r1", "applied": ["a", "b"]}',
        '{"session": "c2", "op": "read", "value": "b", "replica": "r2", "applied": ["a", "b"]}',
    ]
    path = write(tmp_path, "h.jsonl", "\n".join(lines))
    code, out, _ = run(path, "-p", "strong_eventual_consistency")
    assert code == 1 and "VIOLATED" in out
    path = write(
        tmp_path,
        "h2.jsonl",
        "\n".join([*lines[:2], '{"session": "c1", "op": "read", "value": "a"}']),
    )
    code, _, err = run(path, "-p", "strong_eventual_consistency")
    assert code == 2 and "needs reads that list the writes" in err
