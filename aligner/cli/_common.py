"""Shared CLI helpers: consoles, progress bars."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

console = Console()
console_err = Console(stderr=True)


@contextlib.contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator:
    """Yield ``update(done, total)`` that drives a rich progress bar on stderr."""
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console_err,
        transient=True,
    ) as prog:
        task = prog.add_task(description, total=total)

        def update(done: int, total_: int | None = None) -> None:
            prog.update(task, completed=done, total=total_ if total_ is not None else total)

        yield update
