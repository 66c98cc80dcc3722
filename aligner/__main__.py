"""``python -m aligner``: the same as the ``aligner`` command."""

from .cli import entry

if __name__ == "__main__":
    entry()
