"""``aligner names``: build a name-variant dictionary from articles.

    aligner names PATH... [--project FILE] [--format json|csv|po|tbx] [-o OUT]
                          [--lang fr|ar|en] [--dictionary REVIEWED_FILE]... [--constraints FILE]

    aligner names-convert REVIEWED_FILE -o OUT [--format ...] [--lang ...]

Behaviour:

* Documents come from PATHs (files or folders of .txt/.html/.htm/.md) and/or
  from a project (``--project``). Unreadable files are reported on stderr and
  skipped, the rest runs (exit 1, as ``align``); if no document at all can be
  read the command fails and writes nothing (exit 2).
* A corpus with no names gives an empty dictionary (``{"clusters": []}``)
  and a warning on stderr; the exit status is 0.
* ``--dictionary``: reviewed dictionaries (JSON, CSV, PO or TBX, by
  extension). They take precedence over clustering. A dictionary with any
  bad entry is refused as a whole: every bad line is listed, nothing is
  imported, nothing is written (exit 2).
* ``--constraints``: reviewer decisions as JSON (see
  ``aligner.names.constraints_to_json``). With ``--project``, decisions stored
  in the project (by the workbench's names view) are applied too, and the
  project's aligned quotes count as evidence that their speakers are one
  person. This command never writes to the project.
* ``--lang``: the target language. PO needs it (msgstr = the spelling for that
  language; one catalogue per language); JSON and TBX record the preferred
  spelling for it; CSV ignores it.
* Output: ``-o OUT`` (checked before any work, written atomically; never
  an input, a dictionary, the project, a device or FIFO; format from
  ``--format`` or the extension), else stdout (also ``-o -``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from ..errors import AlignerError, ChoiceError, InputFileError
from ._app import app
from ._common import progress_bar, say

LANGS = ("en", "fr", "ar")


def _read_documents(paths: list[str], settings):
    from ..text.reader import read_paths

    return read_paths(paths, max_bytes=settings.max_file_bytes)


def _project_documents(project: str, settings):
    """Documents, stored name decisions and aligned quote pairs of a project.

    Aligned pairs (confirmed by a reviewer, or proposed at rank 1 above the
    default threshold and not rejected) are evidence that their speakers are
    the same person, whatever the spelling.
    """
    from ..store import Project

    p = Project.open(project, settings=settings)
    try:
        docs = [p.document(r.id) for r in p.documents()]
        meta = p.meta()
        pairs = [(r.candidate.source, r.candidate.target) for r in p.candidates()
                 if r.status == "confirmed"
                 or (r.status != "rejected" and r.candidate.rank == 1
                     and r.candidate.score >= settings.threshold_for(r.candidate.kind))]
    finally:
        p.close()
    return docs, meta, pairs


def _load_constraints(path: str | None, meta: dict):
    from ..names import ReviewConstraints, constraints_from_json

    c = ReviewConstraints()
    raw = meta.get("names_constraints") if meta else None
    if raw:
        try:
            c = c.merged(constraints_from_json(json.loads(raw)))
        except (ValueError, AlignerError) as e:
            raise AlignerError(f"the project's stored name decisions are unreadable: {e}") from None
    if path:
        from ..io.lines import read_file_bytes
        from ..names.formats import MAX_DICTIONARY_BYTES

        raw_bytes = read_file_bytes(path, max_bytes=MAX_DICTIONARY_BYTES,
                                    folder_problem="is a folder, expected a JSON file of decisions")
        try:
            data = json.loads(raw_bytes.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise InputFileError(path, f"not valid JSON ({e})") from None
        try:
            c = c.merged(constraints_from_json(data))
        except AlignerError as e:
            raise InputFileError(path, e.message) from None
    return c


def _check_lang(lang: str | None) -> str | None:
    if lang is None:
        return None
    lang = lang.strip().lower()
    if lang not in LANGS:
        raise ChoiceError("language", lang, LANGS)
    return lang


def _output(clusters, fmt: str | None, out, lang: str | None) -> str:
    """Write the dictionary to ``out`` (a checked :class:`~aligner.io.output.Output`)."""
    f = _pick_format(fmt, out)
    out.write_bytes(f.dumps(list(clusters), lang=lang))
    return out.label


def _pick_format(fmt: str | None, out):
    from ..names.formats import format_for_path, get_format

    f = get_format(fmt) if fmt else (format_for_path(out.path) if not out.is_stdout else get_format("json"))
    return f


def _check_po_lang(f, lang: str | None) -> None:
    if f.name == "po" and not lang:
        raise AlignerError("--format po needs --lang (fr, ar or en): one PO catalogue is written per target "
                           "language")


@app.command("names")
def names(
    paths: list[str] = typer.Argument(None, help="Article files or folders (.txt, .html, .htm, .md)."),
    project: str | None = typer.Option(None, "--project", help="Read the documents from this project too."),
    fmt: str | None = typer.Option(None, "--format", "-f", help="json (default), csv, po or tbx."),
    out: Path | None = typer.Option(None, "-o", "--output", help="Output file (default: stdout)."),
    lang: str | None = typer.Option(None, "--lang", help="Target language: fr, ar or en (PO needs it)."),
    dictionary: list[str] = typer.Option(None, "--dictionary", help="Reviewed dictionary to apply (repeatable)."),
    constraints: str | None = typer.Option(None, "--constraints", help="Reviewer decisions (JSON)."),
) -> None:
    """Find people, organisations and places and group their spellings across languages."""
    from ..names import ClusterParams, cluster_mentions, extract_corpus, quote_links
    from ..names.dictionary import merge_dictionaries
    from ..io.output import check_output
    from ..names.formats import read_dictionary
    from ..settings import Settings

    settings = Settings.from_env()

    lang = _check_lang(lang)
    paths = list(paths or [])
    if not paths and not project:
        raise AlignerError("give article files or folders, or --project FILE")
    target = check_output(out, inputs=[*paths, *(dictionary or []), *([constraints] if constraints else [])],
                          project=project)
    _check_po_lang(_pick_format(fmt, target), lang)  # unknown format or PO without --lang: fail before any work
    # reviewed dictionaries first: a bad one stops everything before any work
    dicts = merge_dictionaries(read_dictionary(d) for d in (dictionary or []))
    docs = []
    skipped = 0
    meta: dict = {}
    pairs: list = []
    if project:
        pdocs, meta, pairs = _project_documents(project, settings)
        docs += pdocs
    if paths:
        read, errors = _read_documents(paths, settings)
        for e in errors:
            say(f"skipped: {e}")
        skipped = len(errors)
        docs += read
        if not read and not docs:
            if errors:
                raise InputFileError(paths[0] if len(paths) == 1 else ", ".join(paths),
                                     f"no readable documents ({len(errors)} file(s) could not be read)")
            raise InputFileError(", ".join(paths), "no documents found")
    rc = _load_constraints(constraints, meta)
    with progress_bar("Finding names", total=2 * max(len(docs), 1)) as update:
        mentions = extract_corpus(docs, progress=update, settings=settings)
    links = quote_links(pairs, mentions) if pairs else []
    with progress_bar("Grouping spellings") as update:
        clusters = cluster_mentions(mentions, constraints=rc, dictionary=dicts, quote_links=links,
                                    params=ClusterParams.from_settings(settings), progress=update)
    if not clusters:
        say("warning: no names found in the documents; the dictionary is empty")
    where = _output(clusters, fmt, target, lang)
    if where != "stdout" or not sys.stdout.isatty():
        say(f"{len(docs)} documents, {len(mentions)} name mentions, {len(clusters)} clusters -> {where}")
    if skipped:  # like align: the rest of the batch ran, but not everything was read
        raise typer.Exit(1)


@app.command("names-convert")
def names_convert(
    source: str = typer.Argument(..., help="A reviewed dictionary (JSON, CSV, PO or TBX)."),
    out: Path | None = typer.Option(None, "-o", "--output", help="Output file (default: stdout)."),
    fmt: str | None = typer.Option(None, "--format", "-f", help="json, csv, po or tbx (default: from -o, else json)."),
    lang: str | None = typer.Option(None, "--lang", help="Target language: fr, ar or en (PO needs it)."),
) -> None:
    """Check a reviewed dictionary (every bad line is reported) and convert it to another format."""
    from ..io.output import check_output
    from ..names.formats import read_dictionary

    lang = _check_lang(lang)
    target = check_output(out, inputs=[source])
    _check_po_lang(_pick_format(fmt, target), lang)
    clusters = read_dictionary(source)
    where = _output(clusters, fmt, target, lang)
    say(f"{source}: {len(clusters)} clusters, {sum(len(c.variants) for c in clusters)} variants -> {where}")
