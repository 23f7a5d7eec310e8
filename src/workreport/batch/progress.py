"""Progress of a long run: one line on stderr with documents, rate, MB/s and time left."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

Progress = Callable[[int, int, int], None]  # (documents done, documents in all, bytes done)


class ProgressBar:
    """A one-line progress report on stderr: documents, rate, MB/s, time left. As a context
    manager it ends its line on the way out, so that what is printed next (an error included)
    starts a line of its own."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled and sys.stderr is not None
        self.started = time.perf_counter()
        self.shown = 0.0
        self.open = False  # a line drawn and not ended

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.open:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self.open = False

    def __call__(self, done: int, total: int, nbytes: int) -> None:
        """Redraw the progress line on stderr, at most twice a second and once more at the end."""
        now = time.perf_counter()
        if not self.enabled or (now - self.shown < 0.5 and done < total):
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        left = (total - done) / rate if rate > 0 else 0.0
        sys.stderr.write(
            f"\r{self.label} {done:,}/{total:,}  {rate:.1f} docs/s  {nbytes / elapsed / 1e6:.2f} MB/s  "
            f"{int(left) // 60}:{int(left) % 60:02d} left "
        )
        self.open = done < total
        if not self.open:
            sys.stderr.write("\n")
        sys.stderr.flush()
