"""The EDN reader: the values histories use, and clear errors for anything else."""

from __future__ import annotations

import pytest

from evcheck.histories.edn import EdnError, Keyword, parse


def test_values() -> None:
    forms = parse(
        '[nil true false 3 -4 2.5 1e3 7N 1/2 "a\\"b\\n" \\a \\space :k sym '
        '(1 2) #{1} {:a 1, :b [2]} #inst "2020" #_ skipped ; comment\n]'
    ).forms
    assert forms == [
        (
            1,
            (
                None,
                True,
                False,
                3,
                -4,
                2.5,
                1000.0,
                7,
                0.5,
                'a"b\n',
                "a",
                " ",
                Keyword("k"),
                "sym",
                (1, 2),
                frozenset({1}),
                {Keyword("a"): 1, Keyword("b"): (2,)},
                "2020",
            ),
        )
    ]
    assert repr(Keyword("invoke")) == ":invoke"


def test_top_level_forms_and_map_lines() -> None:
    parsed = parse("{:a 1}\n\n{:b 2}\n[\n {:c 3}]")
    assert [line for line, _ in parsed.forms] == [1, 3, 4]
    inner = parsed.forms[2][1][0]
    assert parsed.map_lines[id(inner)] == 5


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("[1 2", 1, "'[' is never closed"),
        ("\n\n)", 3, "unexpected ')'"),
        ("{:a}", 1, "even number"),
        ('"open', 1, "never closed"),
        ("[" * 300, 1, "nested deeper than"),
        ("{[1] 2 {:a 1} 3}", 1, "not hashable"),
        ("#_", 1, "nothing after it"),
        ("\\unknown", 1, "unknown character"),
        ('"\\q"', 1, "bad escape"),
    ],
)
def test_errors_name_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(EdnError) as caught:
        parse(text)
    assert caught.value.line == line and message in str(caught.value)
