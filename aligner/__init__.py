"""Alignment workbench core: quotes, embeddings, mining, alignment, names.

Nothing heavy is imported here: the model, FAISS and torch load lazily.
"""

__version__ = "0.1.0"
