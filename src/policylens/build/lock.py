"""One build per output folder: an exclusive ``flock`` on ``<out>/.build/lock``.

The lock belongs to the open file, so the operating system releases it when the build exits,
however it exits (Ctrl-C, a crash, SIGKILL): a stale lock cannot block the next build.
"""

from __future__ import annotations

import os
from pathlib import Path


class LockHeld(Exception):
    """Another build holds the lock of this output folder."""


class BuildLock:
    """Context manager holding the build lock of ``out_dir``."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / ".build" / "lock"
        self.fd: int | None = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            import fcntl
        except ImportError:  # pragma: no cover - no flock on this platform: build unlocked
            self.fd = fd
            return self
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise LockHeld(f"another build (pid {holder}) is writing into "
                           f"{self.path.parent.parent}; wait for it or use another --out") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor releases the flock
            self.fd = None
