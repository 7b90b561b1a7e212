"""Per-key version numbers: a replica discards an update older than what it holds.

Each key carries a version (n, writer): a write to a key takes the next number after
the version the writer holds, and the writer's id breaks ties between concurrent
writes with equal numbers, so versions are totally ordered. A replica applies an
incoming update only if its version is newer than the one it holds for that key (the
"Thomas write rule", Thomas 1979; the version checks of Bayou and Dynamo build on it).

`UnversionedStore` applies every update it receives: an update delayed by the network
arrives after a newer one and overwrites it — an older write resurrects, and replicas
that received the same updates in different orders disagree for good.

`newest` is ghost data: the newest version of each key the replica has seen (its own
writes included). The protocol never reads it; `no_older_write_resurrects` does.
"""

from __future__ import annotations

from typing import Any

from evcheck import Fail, FrozenDict, Replica, field, invariant, message, on, operation


@message
class Versioned:
    """A write to `key`, with its version (n, writer)."""

    key: str
    value: Any
    version: tuple[int, Any]


class VersionedStore(Replica):
    """A key-value store whose replicas keep the newest version of each key."""

    data = field({})  # key -> (value, version)
    newest = field({})  # ghost: key -> newest version seen

    @operation(k="keys", v="values")
    def put(self, k: str, v: Any) -> None:
        current = self.data.get(k)
        version = ((current[1][0] if current else 0) + 1, self.id)
        self.data[k] = (v, version)
        self.newest[k] = version
        self.broadcast(Versioned(k, v, version))

    @on(Versioned)
    def apply(self, msg: Versioned) -> None:
        self.newest[msg.key] = max(self.newest.get(msg.key, (0, 0)), msg.version)
        current = self.data.get(msg.key)
        if current is None or msg.version > current[1]:
            self.data[msg.key] = (msg.value, msg.version)

    def observe(self) -> Any:
        return FrozenDict({k: v for k, (v, _) in self.data.items()})


class UnversionedStore(VersionedStore):
    """A store that applies every update it receives, whatever its version (broken on
    purpose): a late update overwrites a newer one."""

    @on(Versioned)
    def apply(self, msg: Versioned) -> None:
        self.newest[msg.key] = max(self.newest.get(msg.key, (0, 0)), msg.version)
        self.data[msg.key] = (msg.value, msg.version)


@invariant
def no_older_write_resurrects(w: Any) -> Any:
    """no replica holds a key at a lower version number than one it has already seen"""
    for r in w.replicas:
        for key, (value, version) in sorted(r.data.items()):
            newest = r.newest.get(key, version)
            if version[0] < newest[0]:
                return Fail(
                    f"{r.id!r} holds {key}={value!r} at version {version}, although it has "
                    f"seen version {newest}: an older write overwrote a newer one"
                )
    return True


__all__ = ["UnversionedStore", "Versioned", "VersionedStore", "no_older_write_resurrects"]
