"""Exception hierarchy.

Definition mistakes are exceptions (they stop a run before it starts); property
violations are results, never exceptions. Only the CLI turns either into an exit code.
"""

from __future__ import annotations


class EvcheckError(Exception):
    """Base class of every error evcheck reports to a user."""


class SpecError(EvcheckError):
    """A spec or protocol definition is wrong: the message names the file, the line and the fix."""

    def __init__(self, message: str, *, location: str | None = None) -> None:
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class ReplayError(EvcheckError):
    """A recorded trace cannot be re-executed against a spec."""


class TraceFormatError(EvcheckError):
    """A trace or history file is malformed."""


class StopRequested(BaseException):
    """Raised asynchronously (by a signal handler) to stop a run early: a time or memory
    limit, or SIGTERM. Engines catch it and report partial statistics."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
