"""Processes that die with their parent.

A check runs in a child process (evcheck.supervise) and `--workers` forks more. If the
process that started them is killed outright (SIGKILL, a CI cancel), nothing would stop
them: they would keep running, holding memory and the stdout of a pipeline
(`evcheck ... | tee` never returns). On Linux the kernel can signal a process when its
parent dies; elsewhere the parent's own cleanup is all there is. (It lives in
evcheck.search, which imports nothing above it, because the parallel engine needs it.)
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent: int, sig: int = signal.SIGKILL) -> None:
    """Have the kernel send `sig` to this (freshly forked) process when its parent dies, and
    exit at once if the parent `parent` died before that was arranged."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        except (OSError, AttributeError):  # no usable libc: rely on the parent's cleanup
            pass
    if os.getppid() != parent:
        os._exit(1)
