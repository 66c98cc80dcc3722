"""Shared CLI helpers: consoles, progress bars."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..progress import STAGE_LABELS

console = Console()
console_err = Console(stderr=True, soft_wrap=True)



def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console_err,
        transient=True,
    )


@contextlib.contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator:
    """Yield ``update(done, total)`` that drives a rich progress bar on stderr."""
    with _progress() as prog:
        task = prog.add_task(description, total=total)

        def update(done: int, total_: int | None = None) -> None:
            prog.update(task, completed=done, total=total_ if total_ is not None else total)

        yield update


@contextlib.contextmanager
def stage_progress() -> Iterator:
    """Yield ``progress(stage, done, total)`` that shows one bar per stage."""
    with _progress() as prog:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = prog.add_task(STAGE_LABELS.get(stage, stage), total=total)
            prog.update(tasks[stage], completed=done, total=total)

        yield progress
