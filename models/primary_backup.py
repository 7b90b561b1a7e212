"""Primary-backup (master-slave) replication of one register, with client requests.

One `Primary` orders the writes (a version number per write) and ships each to the
`Backup`s. Synchronous replication answers a write only once every backup has applied
it, and serves reads at the primary: every operation takes effect at the primary in an
order that respects real time, so the register is linearizable (Budhiraja et al., "The
primary-backup approach", 1993). Asynchronous replication answers at once and lets
backups serve reads: a client that reads from one backup and then another can see a
newer value and then an older one, which breaks monotonic reads (Terry et al.,
"Session guarantees for weakly consistent replicated data", PDIS 1994).
"""

from __future__ import annotations

from typing import Any

from evcheck import Replica, Request, field, message, on, operation, timer, unique


@message(carries="nothing")
class Replicate:
    request: Request | None  # the write it ships (None: asynchronous, nobody waits)
    version: int
    value: Any


@message(carries="nothing")
class Applied:
    request: Request


class Backup(Replica):
    version = field(0)
    value = field(None)

    @on(Replicate)
    def replicate(self, msg: Replicate, src: Any) -> None:
        if msg.version > self.version:
            self.version, self.value = msg.version, msg.value
        if msg.request is not None:
            self.send(src, Applied(msg.request))

    @operation(request=True, reads=True)
    def get(self, request: Request) -> None:
        self.reply(request, self.value)

    def observe(self) -> Any:
        return self.value


class SyncPrimary(Replica):
    """Answers a write when every backup has applied it; serves reads itself."""

    version = field(0)
    value = field(None)
    waiting = field({})  # write request -> backups that have applied it

    @operation(request=True, v=unique, writes="v")
    def put(self, request: Request, v: Any) -> None:
        self.version += 1
        self.value = v
        self.waiting[request] = frozenset()
        for backup in self.replicas_with(Backup):
            self.send(backup, Replicate(request, self.version, v))

    @on(Applied)
    def applied(self, msg: Applied, src: Any) -> None:
        if msg.request not in self.waiting:
            return  # a duplicated acknowledgement of a write already answered
        done = self.waiting[msg.request] | {src}
        if done == frozenset(self.replicas_with(Backup)):
            del self.waiting[msg.request]
            self.reply(msg.request)
        else:
            self.waiting[msg.request] = done

    @operation(request=True, reads=True)
    def get(self, request: Request) -> None:
        self.reply(request, self.value)

    def observe(self) -> Any:
        return self.value


class AsyncPrimary(Replica):
    """Answers a write at once and ships it to the backups in the background."""

    version = field(0)
    value = field(None)

    @operation(request=True, v=unique, writes="v")
    def put(self, request: Request, v: Any) -> None:
        self.version += 1
        self.value = v
        self.reply(request)
        for backup in self.replicas_with(Backup):
            self.send(backup, Replicate(None, self.version, v))

    @operation(request=True, reads=True)
    def get(self, request: Request) -> None:
        self.reply(request, self.value)

    def observe(self) -> Any:
        return self.value


class PromotingBackup(Backup):
    """A backup that takes over when its failure detector suspects the primary: from
    then on it serves reads (and would serve writes) from its own copy."""

    promoted = field(False)

    @timer(periodic=True, when=lambda self: not self.promoted and self.suspects(self.replicas[0]))
    def fail_over(self) -> None:
        self.promoted = True

    @operation(request=True, reads=True, when=lambda self: self.promoted)
    def get(self, request: Request) -> None:
        self.reply(request, self.value)
