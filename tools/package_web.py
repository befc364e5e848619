#!/usr/bin/env python3
"""Turns the staged client into the servable web root, reproducibly.

    package_web.py STAGE_DIR OUT_DIR

Every file the page loads gets a content-hashed name (tessera.<16 hex>.wasm),
index.html references them with Subresource Integrity, every file gets a
reproducible .gz beside it (no name, mtime 0), and OUT_DIR/assets.json lists
path, size, sha256 and the SRI string of each file so anyone can compare what a
gateway serves with what this build produced (tools/verify-assets).

In index.html, an attribute whose value is "/<staged path>" is rewritten:
  src="/x.js" / href="/x.css"  ->  the hashed path plus integrity="sha384-..."
  data-NAME="/x.wasm"          ->  the hashed path plus data-NAME-integrity="..."
                                  and data-NAME-size (bytes, for the progress bar:
                                  Content-Length is the gzip size)
(the loader reads the data- attributes of its own tag: no inline script).

Same input, byte-identical output: files are processed in sorted order, the
manifest is sorted, gzip headers carry no time or name. Standard library only.
"""
import base64
import gzip
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

HASH_HEX_CHARS = 16  # 64 bits of SHA-256 in the name: enough to never collide
GZIP_LEVEL = 9
PAGE = "index.html"
# The files the page loads, by staged path; each gets a hashed name.
HASHED_KINDS = (".js", ".wasm", ".css", ".ttf")


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def hashed_name(rel: str, data: bytes) -> str:
    path = Path(rel)
    digest = hashlib.sha256(data).hexdigest()[:HASH_HEX_CHARS]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def reproducible_gzip(data: bytes) -> bytes:
    # mtime=0 and gzip.compress (which never writes a file name) make the
    # header constant; the OS byte is fixed by zlib for the platform.
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def rewrite_page(html: str, served: dict) -> str:
    """served: "/staged/path" -> ("/hashed/path", sri, size). Unknown paths fail."""
    attr = re.compile(r'\b(src|href|data-[a-z-]+)="(/[^"]*)"')

    def replace(match: re.Match) -> str:
        name, value = match.group(1), match.group(2)
        if value not in served:
            raise SystemExit(f"package_web: {PAGE} references {value}, which is not staged")
        path, integrity, size = served[value]
        if name in ("src", "href"):
            return f'{name}="{path}" integrity="{integrity}"'
        return f'{name}="{path}" {name}-integrity="{integrity}" {name}-size="{size}"'

    return attr.sub(replace, html)


def main(argv: list) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    stage, out = Path(argv[1]), Path(argv[2])
    staged = sorted(
        str(p.relative_to(stage)) for p in stage.rglob("*") if p.is_file() and p.suffix in HASHED_KINDS
    )
    if not (stage / PAGE).is_file():
        raise SystemExit(f"package_web: no {PAGE} in {stage}")

    # Everything in OUT_DIR is ours: start empty so no stale asset lingers.
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    files = {}  # served path (relative) -> bytes
    served = {}
    for rel in staged:
        data = (stage / rel).read_bytes()
        name = hashed_name(rel, data)
        files[name] = data
        served["/" + rel] = ("/" + name, sri(data), len(data))
    files[PAGE] = rewrite_page((stage / PAGE).read_text("utf-8"), served).encode("utf-8")

    manifest = []
    for name in sorted(files):
        data = files[name]
        for path, content in ((name, data), (name + ".gz", reproducible_gzip(data))):
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            entry = {
                "path": "/" + path,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "sri": sri(content),
            }
            manifest.append(entry)
            print(f"  {entry['path']}  {entry['size']:>8}  sha256:{entry['sha256']}  {entry['sri']}")
    manifest.sort(key=lambda e: e["path"])
    text = json.dumps({"version": 1, "files": manifest}, indent=2, sort_keys=True) + "\n"
    (out / "assets.json").write_text(text, "utf-8")
    print(f"  wrote {out / 'assets.json'} ({len(manifest)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
