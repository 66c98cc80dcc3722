"""Shared CLI helpers: consoles, progress bars."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..progress import STAGE_LABELS

console = Console()
console_err = Console(stderr=True, soft_wrap=True)


def esc(value: object) -> str:
    """User text (quotes, names, paths) made safe for rich markup: ``[/x]`` is shown, not parsed."""
    return escape(str(value))


def say_error(message: str, prefix: str = "error: ") -> None:
    """One line on stderr; the message is user text, never markup."""
    try:
        console_err.print(f"[bold red]{prefix}[/]{escape(message)}" if prefix else escape(message),
                          highlight=False)
    except OSError:
        pass


def say(message: str, *, err: bool = True) -> None:
    """A plain informational line (user text is not markup)."""
    (console_err if err else console).print(message, markup=False, highlight=False, soft_wrap=True)




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
        task = prog.add_task(escape(description), total=total)

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
                tasks[stage] = prog.add_task(escape(STAGE_LABELS.get(stage, stage)), total=total)
            prog.update(tasks[stage], completed=done, total=total)

        yield progress


def prepare_with_progress(encoder) -> None:
    """Do what the encoder's first use builds (the converted model, the int8 OpenVINO model:
    minutes, once per machine) now, under a progress bar, so a first run is never silent.
    Call it outside any other progress bar; encoders without ``prepare`` (fakes) are left alone."""
    prepare = getattr(encoder, "prepare", None)
    if prepare is not None:
        with progress_bar("Preparing the model (the first run builds it once: a few minutes)") as update:
            prepare(progress=update)


def prepared_encoder(model: str | None, settings):
    """The encoder for ``model`` (default: the bundled one), prepared (:func:`prepare_with_progress`)."""
    from ..embed import get_encoder

    encoder = get_encoder(model, settings=settings)
    prepare_with_progress(encoder)
    return encoder
