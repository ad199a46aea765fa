"""Refresh tests/baseline.json after an intended change of the model's behaviour.

    .venv/bin/python tests/update_baseline.py

Commit the new file with a message that says why the numbers moved.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_baseline import BASELINE, CASES, end_state  # noqa: E402

if __name__ == "__main__":
    data = {name: end_state(params) for name, params in CASES.items()}
    BASELINE.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {BASELINE}")
