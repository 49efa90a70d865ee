"""``python -m contractcheck.schemas [FOLDER]``: regenerate the shipped JSON Schemas (or write them into FOLDER)."""

from __future__ import annotations

import sys
from pathlib import Path

from contractcheck.schemas import SCHEMA_DIR, write_schemas

if __name__ == "__main__":
    for path in write_schemas(Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_DIR):
        print(path)
