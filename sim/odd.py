"""Keep the generated tables of docs/ODD.md in step with the code.

The parameter table comes from :mod:`sim.params` and the output table from
:mod:`sim.outputs`; each sits between ``<!-- BEGIN name -->`` and
``<!-- END name -->`` markers. ``python -m sim.odd`` rewrites them; a test
fails when the committed file differs from what the code generates.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sim import outputs, params

ODD_PATH = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"


def generated_blocks() -> dict[str, str]:
    """Block name to generated Markdown."""
    return {"parameters": params.markdown_table(), "outputs": outputs.markdown_table()}


def render(text: str) -> str:
    """Return ``text`` with every generated block replaced by its current content."""
    for name, body in generated_blocks().items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"docs/ODD.md has no '<!-- BEGIN {name} -->' block")
        text = pattern.sub(lambda m, body=body: m.group(1) + body.rstrip() + "\n" + m.group(2), text)
    return text


def main() -> int:
    """Rewrite the generated blocks of docs/ODD.md in place."""
    text = ODD_PATH.read_text(encoding="utf-8")
    new = render(text)
    if new != text:
        ODD_PATH.write_text(new, encoding="utf-8")
        print(f"updated {ODD_PATH}")
    else:
        print(f"{ODD_PATH} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
