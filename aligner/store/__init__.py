"""The project store: one SQLite file (``*.aligner``) per review project.

It keeps documents (full text, versions), spans (quotes and sentences with
offsets), an embedding cache, the aligner's candidates, the reviewers'
append-only decisions, alignment runs and an append-only audit trail of
every write. WAL mode, ``synchronous=FULL``, foreign keys, a busy timeout
and ``BEGIN IMMEDIATE`` write transactions let the CLI and the GUI use one
project at once; each write method commits before it returns.

    from aligner.store import Project
    with Project.open("demo.aligner", create=True) as p:
        doc_id, is_new = p.add_document(doc)
        ...

Where each part lives: :mod:`~aligner.store.project` (open, migrations,
metadata, audit), :mod:`~aligner.store.documents` (documents and spans),
:mod:`~aligner.store.embeddings` (cached vectors; the pipeline encodes),
:mod:`~aligner.store.candidates` (runs and candidates),
:mod:`~aligner.store.review` (decisions, manual links, the review queue),
:mod:`~aligner.store.names` (the reviewers' name decisions),
:mod:`~aligner.store.files` (checkpoints, copies and backups of the file).
Schema versions live in ``PRAGMA user_version``; migrations are in
:mod:`aligner.store._schema`. Every failure surfaces as
:class:`aligner.errors.ProjectError` with a message naming the file.
"""

from ..review import KINDS, STATUSES, quote_status
from ._schema import APPLICATION_ID, MIGRATIONS, schema_version
from ._text import normalise_search
from .embeddings import EmbeddingLookup
from .project import Project
from .rows import CandidateRow, DocumentRow, QueueItem, SpanRow

__all__ = [
    "APPLICATION_ID",
    "KINDS",
    "MIGRATIONS",
    "STATUSES",
    "CandidateRow",
    "DocumentRow",
    "EmbeddingLookup",
    "Project",
    "QueueItem",
    "SpanRow",
    "normalise_search",
    "quote_status",
    "schema_version",
]
