"""Opening a project and the project-wide questions the app asks it (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass


def open_project(path: str, *, create: bool = False, actor: str | None = None, settings=None):
    """Open (or create) a project file; AlignerError (ProjectError) with a clear message if not.
    ``settings``: the app's (busy timeout, check on open); the defaults without them."""
    from aligner.settings import SETTINGS
    from aligner.store import Project

    return Project.open(path, create=create, actor=actor, settings=settings or SETTINGS)


def find_mentions(project, progress=None, settings=None) -> list:
    """Names in every current document of ``project`` (runs on a worker thread)."""
    from aligner.names.mentions import extract_corpus
    from aligner.settings import SETTINGS

    docs = [project.document(d.id) for d in project.documents()]
    return extract_corpus(docs, progress=progress, settings=settings or SETTINGS)


@dataclass(frozen=True)
class AlignmentState:
    """Documents that no finished alignment has seen (after a cancel, a crash or a kill).

    ``unaligned_doc_ids``: current documents added after the start of the
    last finished alignment run; with no finished run, the documents that
    no candidate touches (a project built through the API has candidates
    but no run, and nothing to resume).
    """

    unaligned_doc_ids: frozenset[int] = frozenset()
    unaligned_paths: tuple[str, ...] = ()

    @property
    def needs_resume(self) -> bool:
        return bool(self.unaligned_doc_ids)


def alignment_state(project) -> AlignmentState:
    # an interrupted run has a "finished" time too (when it stopped): only runs that ran to the end count
    finished = [r["started"] for r in project.runs() if r.get("state") == "finished"]
    docs = list(project.documents())
    if finished:
        last = max(finished)
        docs = [d for d in docs if d.added > last]
    else:
        doc_of = {s.id: s.doc_id for s in project.spans()}
        touched = {doc_of.get(i) for c in project.candidates() for i in (c.source_span_id, c.target_span_id)}
        docs = [d for d in docs if d.id not in touched]
    return AlignmentState(frozenset(d.id for d in docs), tuple(d.path for d in docs))
