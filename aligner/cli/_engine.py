"""Engine options shared by ``aligner embed`` and ``aligner mine`` (``--engine``,
``--ray-address``, ``--workers``, ``--work-dir``, ``--resume``, ``--shard-lines``),
the shard progress bar, and the work folder."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..engine.embedding import encoder_key  # noqa: F401 - the CLI's name for it
from ._common import console_err

ENGINE_OPT = typer.Option("local", "--engine", help="Where the work runs: local (this process) or ray (Ray Data actors; starts a local Ray cluster sized to this machine unless --ray-address is given). Ray: pip install 'alignment-workbench[ray]'.")
ADDRESS_OPT = typer.Option(None, "--ray-address", help="Join this Ray cluster (e.g. 10.0.0.5:6379, or 'auto' for the one started on this machine with `ray start --head`). Needs --engine ray.")
WORKERS_OPT = typer.Option(None, "--workers", min=1, help="Ray: embedding actors, one model each (default: one per machine of the cluster, using all its CPUs).")
WORK_DIR_OPT = typer.Option(None, "--work-dir", help="Keep the shards (.npy, one per --shard-lines input lines) and other work files here; with --resume a stopped run continues where it stopped. Default: a temporary folder, removed at the end.")
RESUME_OPT = typer.Option(False, "--resume", help="Continue the run in --work-dir: finished shards are never computed again.")
SHARD_LINES_OPT = typer.Option(None, "--shard-lines", min=1, help="Input lines per shard (default: settings engine_shard_lines).")


def check_engine_options(engine: str, address: Optional[str], work_dir: Optional[Path],
                         resume: bool) -> None:
    from ..engine import ENGINES
    from ..errors import ChoiceError, InputFileError

    if engine not in ENGINES:
        raise ChoiceError("engine", engine, list(ENGINES))
    if address and engine != "ray":
        raise ChoiceError("engine", engine, ["ray (--ray-address needs --engine ray)"])
    if resume and work_dir is None:
        raise ChoiceError("--resume", "without --work-dir", ["--work-dir DIR --resume"])
    if work_dir is not None and work_dir.exists() and not work_dir.is_dir():
        raise InputFileError(str(work_dir), "is a file; give a folder for --work-dir")


@contextlib.contextmanager
def work_folder(work_dir: Optional[Path], prefix: str) -> Iterator[Path]:
    """``work_dir`` itself, or a temporary folder removed afterwards (also on errors)."""
    if work_dir is not None:
        work_dir.mkdir(parents=True, exist_ok=True)
        yield work_dir
        return
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def shard_progress(label: str) -> Iterator:
    """Yield ``update(shards_done, shards_total, sentences, seconds)`` driving a bar
    with the shard count and the sentences per second."""
    prog = Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TextColumn("shards"), TextColumn("{task.fields[rate]}"),
                    TimeElapsedColumn(), console=console_err, transient=True)
    with prog:
        from rich.markup import escape

        task = prog.add_task(escape(label), total=None, rate="")

        def update(done: int, total: int, sentences: int, seconds: float) -> None:
            rate = f"{sentences / seconds:,.0f} sentences/s" if seconds > 0 and sentences else ""
            prog.update(task, completed=done, total=total, rate=rate)

        yield update


def note(text: str) -> None:
    console_err.print(f"note: {text}", highlight=False, markup=False)


def report_side(label: str, side) -> None:
    rate = f", {side.sentences / side.seconds:,.0f} sentences/s" if side.seconds > 0 and side.sentences else ""
    console_err.print(f"{label}: {side.computed} shards embedded, {side.reused} reused "
                      f"({side.sentences:,} sentences in {side.seconds:.1f} s{rate})",
                      highlight=False, markup=False)
