"""Supervised runs: the check runs in a forked child, so that nothing spec code does can
pass for a verdict.

The parent process only waits. The child loads the spec, explores, renders the report
and sends it with its exit code over a pipe; the parent hands it to the CLI, which
prints it and exits with that code. So:

- a child that ends without delivering a report (`os._exit(0)` in a handler, a kill,
  the out-of-memory killer) can never look like exit 0: the parent reports it (exit 2,
  or 3 with the last statistics received when it was killed);
- while spec code runs, the child's stdout (fd 1) is its stderr, so a handler's
  `print()` cannot corrupt `--format json`;
- limits and signals reach the search as `StopRequested`, raised by signal handlers in
  the child: SIGINT and SIGTERM to the parent are forwarded (the child has its own
  process group, so a terminal's Ctrl-C reaches it once, through the parent);
  `--max-time` is a timer signal armed at fork, so it bounds set-up and a handler that
  never returns as well as the search; `--max-memory` is an address-space limit plus a
  watchdog on the peak resident size, checked by the same timer;
- a child that does not report in time after a stop (stuck in native code) is killed,
  and the parent reports the stop with the statistics it last received.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any, NoReturn

from .errors import StopRequested
from .execution import user_frame
from .render.text import render_stats
from .search import Stats
from .search.common import peak_memory_bytes
from .search.lifeline import die_with_parent

GRACE_SECONDS = 5.0  # how long a stopped child may take to deliver its report
REPEAT_SECONDS = 1.0  # a passed limit asks again this often (to cut shrinking short)
MEMORY_CHECK_SECONDS = 0.25
POLL_SECONDS = 0.5  # the parent's wait between checks of its deadlines
KILLS_AFTER = 3  # the third SIGINT/SIGTERM to the parent kills the child
EXIT_ERROR = 2
EXIT_STOPPED = 3

ShowProgress = Callable[[Stats, int], None]
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@dataclass(frozen=True)
class Budget:
    """Limits on the whole run, enforced by the supervisor (not polled by the search)."""

    max_seconds: float | None = None
    max_memory_mb: int | None = None


@dataclass(frozen=True)
class Report:
    """What the CLI prints (stdout first, then each stderr message) and its exit code."""

    stdout: str
    stderr: tuple[str, ...] = ()
    code: int = 0


class _Stop(StopRequested):
    """A stop request the current engines understand: they catch KeyboardInterrupt.
    Once every engine catches StopRequested, drop the KeyboardInterrupt base."""


class Channel:
    """The child's side: progress to the parent, and stop requests from signals and limits.

    Stop requests raise only while the run is armed; `settle()` disarms it once only
    rendering is left, so a late signal cannot cost the report."""

    def __init__(self, fd: int, budget: Budget) -> None:
        self._fd = fd
        self._budget = budget
        self._start = time.monotonic()
        self._armed = True
        self._last_timed: float | None = None
        self._raised: list[StopRequested] = []
        self.last_stats: dict[str, Any] | None = None

    @property
    def memory_limit_mb(self) -> int | None:
        return self._budget.max_memory_mb

    def install(self) -> None:
        """Signal handlers, the limit timer and the address-space limit of this process."""
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        budget = self._budget
        if budget.max_memory_mb is not None:
            _limit_address_space(budget.max_memory_mb)
        if budget.max_memory_mb is not None or budget.max_seconds is not None:
            signal.signal(signal.SIGALRM, self._on_timer)
            if budget.max_memory_mb is not None:
                first = MEMORY_CHECK_SECONDS
                if budget.max_seconds is not None:
                    first = min(first, budget.max_seconds)
                signal.setitimer(signal.ITIMER_REAL, first, MEMORY_CHECK_SECONDS)
            else:
                assert budget.max_seconds is not None
                signal.setitimer(signal.ITIMER_REAL, budget.max_seconds, REPEAT_SECONDS)

    def progress(self, stats: Stats, frontier: int) -> None:
        """The engines' progress callback: statistics to the parent (for its live line, and
        for its report should this process die)."""
        stats.peak_memory_bytes = peak_memory_bytes()
        self.last_stats = dataclasses.asdict(stats)
        self._send({"progress": self.last_stats, "frontier": frontier})

    def settle(self) -> None:
        """The run is over, only rendering is left: stop requests no longer raise."""
        self._armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)

    @property
    def stop_reason(self) -> str | None:
        """Why the run was stopped, and what was running then; None if it was not."""
        if not self._raised:
            return None
        notes = [n for stop in self._raised for n in getattr(stop, "__notes__", ())]
        return "; ".join([self._raised[0].reason, *dict.fromkeys(notes)])

    def deliver(self, report: Report) -> None:
        self._send({"report": dataclasses.asdict(report)})

    def _send(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message) + "\n").encode()
        while data:
            data = data[os.write(self._fd, data) :]

    def _request(self, reason: str) -> None:
        if not self._armed:
            return
        stop = _Stop(reason)
        self._raised.append(stop)
        raise stop

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._request("interrupted" if signum == signal.SIGINT else "terminated (SIGTERM)")

    def _on_timer(self, signum: int, frame: FrameType | None) -> None:
        now = time.monotonic()
        if self._last_timed is not None and now - self._last_timed < REPEAT_SECONDS:
            return
        budget = self._budget
        if budget.max_seconds is not None and now - self._start >= budget.max_seconds:
            reason = f"time limit of {budget.max_seconds:g}s reached"
        elif (
            budget.max_memory_mb is not None and peak_memory_bytes() > budget.max_memory_mb * 2**20
        ):
            reason = f"memory limit of {budget.max_memory_mb:,} MB reached"
        else:
            return
        self._last_timed = now
        self._request(reason)


def _limit_address_space(megabytes: int) -> None:
    """Let this process grow by at most `megabytes` of address space, so that an allocation
    beyond fails with MemoryError instead of summoning the out-of-memory killer."""
    try:
        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:  # not Linux: the resident-size watchdog alone enforces the limit
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + megabytes * 2**20
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def supervise(
    job: Callable[[Channel], Report], budget: Budget, show: ShowProgress | None = None
) -> Report:
    """Run `job` in a forked child and return the report it delivered, or one that says
    why it delivered none. `show` displays the child's progress in this process."""
    sys.stdout.flush()
    sys.stderr.flush()
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    # Both processes hold SIGINT and SIGTERM until their own handlers are in place.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(job, budget, write_fd, parent, mask)
    os.close(write_fd)
    try:
        return _Parent(pid, read_fd, budget, show).wait(mask)
    finally:
        os.close(read_fd)


def _child(
    job: Callable[[Channel], Report], budget: Budget, fd: int, parent: int, mask: set[int]
) -> NoReturn:
    """Run the job and deliver its report; never return into the caller's code."""
    status = 70  # EX_SOFTWARE: no report could be delivered
    try:
        os.setpgid(0, 0)  # a terminal's Ctrl-C reaches the parent only; it forwards it once
        die_with_parent(parent)
        os.dup2(2, 1)  # spec output goes to stderr: stdout carries only the report
        channel = Channel(fd, budget)
        channel.install()
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        report = _run(job, channel)
        channel.settle()
        channel.deliver(report)
        status = 0
    finally:
        for stream in (sys.stdout, sys.stderr):  # what spec code printed, before _exit
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(status)


def _run(job: Callable[[Channel], Report], channel: Channel) -> Report:
    """The job's report; a stop or failure that escaped it becomes one."""
    try:
        return job(channel)
    except StopRequested as stop:  # outside the search (set-up, or after it)
        channel.settle()
        reason = channel.stop_reason or stop.reason
        return Report(
            "", (f"evcheck: stopped: {reason}", *_last_stats(channel.last_stats)), EXIT_STOPPED
        )
    except MemoryError as exc:
        exc.__traceback__ = None  # let the search's structures go before reporting
        channel.settle()
        limit = channel.memory_limit_mb
        why = f"memory limit of {limit:,} MB reached" if limit else "out of memory"
        if str(exc):
            why = f"{why} ({exc})"
        return Report(
            "", (f"evcheck: stopped: {why}", *_last_stats(channel.last_stats)), EXIT_STOPPED
        )
    except BaseException as exc:  # spec code exiting outside a handler, or a bug
        channel.settle()
        return Report(
            "",
            (f"evcheck: error: {type(exc).__name__}({exc}) raised at {user_frame(exc)}",),
            EXIT_ERROR,
        )


def _last_stats(stats: dict[str, Any] | None) -> tuple[str, ...]:
    """The partial statistics a stopped run reports, from the last progress message."""
    if stats is None:
        return ("  statistics: none yet (stopped before the first progress report)",)
    return tuple(render_stats(Stats(**stats)))


class _Parent:
    """The parent's side: relay progress, forward signals, watch deadlines, and turn the
    child's end into a Report."""

    def __init__(self, pid: int, fd: int, budget: Budget, show: ShowProgress | None) -> None:
        self.pid = pid
        self.fd = fd
        self.show = show
        self.last_stats: dict[str, Any] | None = None
        self.report: Report | None = None
        self.signals = 0
        self.why_stopping: str | None = None
        self.deadline: float | None = None
        if budget.max_seconds is not None:
            self.deadline = time.monotonic() + budget.max_seconds + GRACE_SECONDS
        self.killed: str | None = None

    def wait(self, mask: set[int]) -> Report:
        with self._forwarding(mask):
            buffer = b""
            while self.report is None and self.killed is None:
                ready, _, _ = select.select([self.fd], [], [], POLL_SECONDS)
                if ready:
                    chunk = os.read(self.fd, 1 << 16)
                    if not chunk:
                        break
                    buffer = self._consume(buffer + chunk)
                elif self.deadline is not None and time.monotonic() >= self.deadline:
                    self._kill(
                        f"{self.why_stopping or 'time limit reached'}, and the check "
                        f"did not stop within {GRACE_SECONDS:g}s"
                    )
            _, status = os.waitpid(self.pid, 0)
        if self.report is not None:
            return self.report
        return self._ended_without_report(status)

    def _consume(self, buffer: bytes) -> bytes:
        *lines, rest = buffer.split(b"\n")
        for line in lines:
            message = json.loads(line)
            if "report" in message:
                raw = message["report"]
                self.report = Report(raw["stdout"], tuple(raw["stderr"]), raw["code"])
            elif "progress" in message:
                self.last_stats = message["progress"]
                if self.show is not None:
                    self.show(Stats(**message["progress"]), message["frontier"])
        return rest

    @contextmanager
    def _forwarding(self, mask: set[int]) -> Iterator[None]:
        """SIGINT and SIGTERM, while waiting, go to the child; the previous handlers and
        signal mask return afterwards (the parent may be a test runner)."""
        previous = {}
        if threading.current_thread() is threading.main_thread():
            previous = {sig: signal.signal(sig, self._forward) for sig in _STOP_SIGNALS}
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _forward(self, signum: int, frame: FrameType | None) -> None:
        self.signals += 1
        name = "interrupted" if signum == signal.SIGINT else "terminated (SIGTERM)"
        self.why_stopping = self.why_stopping or name
        if self.signals >= KILLS_AFTER:
            self._kill(f"{name} {self.signals} times")
            return
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            return
        soon = time.monotonic() + GRACE_SECONDS
        self.deadline = soon if self.deadline is None else min(self.deadline, soon)

    def _kill(self, why: str) -> None:
        self.killed = why
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def _ended_without_report(self, status: int) -> Report:
        stats = _last_stats(self.last_stats)
        if self.killed is not None:
            return Report(
                "", (f"evcheck: stopped: {self.killed}; it was killed", *stats), EXIT_STOPPED
            )
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            if sig == signal.SIGKILL:
                return Report(
                    "",
                    (
                        "evcheck: stopped: the check process was killed (SIGKILL; out of "
                        "memory?) before it could report",
                        *stats,
                    ),
                    EXIT_STOPPED,
                )
            return Report(
                "",
                (
                    f"evcheck: error: the check process died of {signal.Signals(sig).name} "
                    "without a verdict",
                ),
                EXIT_ERROR,
            )
        return Report(
            "",
            (
                f"evcheck: error: the check process exited with status "
                f"{os.WEXITSTATUS(status)} without a verdict (did spec code call os._exit()?)",
            ),
            EXIT_ERROR,
        )
