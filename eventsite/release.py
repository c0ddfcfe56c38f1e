"""The running release, part of every key of the page and feed cache.

A deployment must never serve HTML made by the previous templates (or naming
static files that are gone): ``settings.RELEASE`` names the release (the git
commit, say); unset, a digest of the code, templates and static files stands in.
"""

import hashlib
from pathlib import Path

SOURCES = ("eventsite", "schedule", "accounts", "templates", "static", "locale")


def code_digest(base_dir: Path) -> str:
    digest = hashlib.blake2b(digest_size=8)
    for name in SOURCES:
        for path in sorted(p for p in (base_dir / name).rglob("*") if p.is_file()):
            if path.suffix in (".pyc", ".mo"):
                continue
            digest.update(path.relative_to(base_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
