"""Writes each README code block marked `<!-- readme-check: NAME -->` to OUT/NAME, so that
scripts/check_install.sh runs the README's examples and commands verbatim."""
import re
import sys
from pathlib import Path


def main(readme, out):
    text = Path(readme).read_text()
    blocks = re.findall(r"<!-- readme-check: ([\w-]+) -->\n```\w*\n(.*?)\n```", text, re.S)
    if not blocks:
        sys.exit(f"{readme}: no readme-check blocks")
    Path(out).mkdir(parents=True, exist_ok=True)
    for name, body in blocks:
        (Path(out) / name).write_text(body + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
