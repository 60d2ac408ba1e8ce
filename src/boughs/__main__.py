"""``python -m boughs``: the ``boughs`` command."""

from boughs.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
