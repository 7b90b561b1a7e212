"""Spec parameters: the read-only view handlers get, and which parameters a spec uses.

Every keyword of `Spec(...)` that is not one of its options is a parameter. A
misspelled option (`fault=` for `faults=`) would otherwise become a parameter nobody
reads and the spec would check a different system than the one written, so a
parameter must be *used*: named by an operation domain (a domain string, or a key a
callable domain reads), or read by the protocol as `self.params.NAME` or
`self.params["NAME"]` (found by reading the protocol classes' source).
"""

from __future__ import annotations

import ast
import difflib
import inspect
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from .errors import SpecError


class Params(Mapping[str, Any]):
    """The spec parameters as a handler sees them: `self.params.values` or
    `self.params["values"]`. Read-only, so a handler cannot change the model it runs in."""

    __slots__ = ("_values",)

    _values: dict[str, Any]

    def __init__(self, values: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_values", dict(values))

    def __getitem__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise KeyError(self._missing(name)) from None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(self._missing(name)) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("spec parameters are read-only inside the protocol")

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Params({self._values!r})"

    def _missing(self, name: str) -> str:
        known = ", ".join(sorted(self._values)) or "none"
        return f"the spec has no parameter {name!r} (parameters: {known})"


class _Recorder(Mapping[str, Any]):
    """The parameters, handed to a callable domain to learn which keys it reads."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._params = values
        self.read: set[str] = set()

    def __getitem__(self, name: str) -> Any:
        self.read.add(name)
        return self._params[name]

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str):
            self.read.add(name)
        return name in self._params

    def __iter__(self) -> Iterator[str]:
        self.read.update(self._params)
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)


def read_by_domain(
    domain: Callable[[Mapping[str, Any]], Any], params: Mapping[str, Any]
) -> set[str]:
    """The parameters a callable domain reads when called with `params`.

    A domain that fails here fails again, with its own message, when the operations are
    enumerated; what it read before failing still counts as read."""
    recorder = _Recorder(params)
    try:
        domain(recorder)
    except Exception:
        pass
    return recorder.read


def read_by_protocol(classes: Iterable[type]) -> set[str] | None:
    """Parameter names the classes' source reads as `self.params.X` or `self.params["X"]`;
    None when some source is unavailable (then any parameter may be read)."""
    names: set[str] = set()
    for cls in classes:
        try:
            source = textwrap.dedent(inspect.getsource(cls))
            tree = ast.parse(source)
        except (OSError, TypeError, SyntaxError):
            return None
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _is_self_params(node.value):
                names.add(node.attr)
            elif (
                isinstance(node, ast.Subscript)
                and _is_self_params(node.value)
                and isinstance(node.slice, ast.Constant)
                and isinstance(node.slice.value, str)
            ):
                names.add(node.slice.value)
    return names


def _is_self_params(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "params"
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )


def check_used(
    params: Mapping[str, Any],
    options: Iterable[str],
    used: set[str],
    location: str,
) -> None:
    """Refuse a parameter that nothing uses: most likely a misspelled option."""
    unused = [name for name in params if name not in used]
    if not unused:
        return
    name = unused[0]
    option_names = list(options)
    candidates = option_names + sorted(used)
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    used_text = ", ".join(sorted(used)) or "none"
    raise SpecError(
        f"Spec(...) got the keyword {name!r}, which is not an option of Spec and not a "
        f"parameter that an operation domain or the protocol (self.params.{name}) uses; "
        f"{hint}valid keywords: {', '.join(option_names)}; parameters used: {used_text}",
        location=location,
    )
