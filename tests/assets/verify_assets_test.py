#!/usr/bin/env python3
"""The served-client chain end to end, with the real tools and the real gateway:
tools/package_web.py is reproducible and rewrites index.html with hashed names
and SRI; tools/verify-assets passes against a gateway serving the build and
reports MISMATCH (exit 1) once one byte of the .wasm, or of its .gz, changes.

Environment (set by ctest):
  TESSERA_GATEWAY   the tessera-gateway executable
  TESSERA_SOURCE    the source tree (tools/, web/)
  TESSERA_WEB_ROOT  optional: a packaged build (build/wasm/web) to check;
                    without it, a small client is staged and packaged here.
"""
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SOURCE = Path(os.environ["TESSERA_SOURCE"])
GATEWAY = os.environ["TESSERA_GATEWAY"]
PACKAGE = [sys.executable, str(SOURCE / "tools" / "package_web.py")]
VERIFY = [sys.executable, str(SOURCE / "tools" / "verify-assets")]


def stage_small_client(stage: Path) -> None:
    """The real page shell from web/ with small stand-ins for the built files."""
    (stage / "fonts").mkdir(parents=True)
    for name in ("index.html", "loader.js", "style.css", "download_worker.js"):
        shutil.copy(SOURCE / "web" / name, stage / name)
    (stage / "tessera.js").write_text("var createTessera = () => {};\n")
    (stage / "tessera.wasm").write_bytes(b"\0asm\1\0\0\0" + bytes(range(256)) * 64)
    (stage / "fonts" / "tessera-ui.ttf").write_bytes(b"\0\1\0\0font" * 100)


def tree_bytes(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class Gateway:
    def __init__(self, web_root: Path):
        self.process = subprocess.Popen([GATEWAY, "--listen", "127.0.0.1:0", "--web-root", str(web_root)],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in self.process.stdout:
            match = re.search(r"listening on (http://\S+)", line)
            if match:
                self.url = match.group(1).rstrip("/")
                return
        raise RuntimeError("the gateway exited before listening")

    def __enter__(self):
        return self

    def __exit__(self, *unused):
        self.process.terminate()
        self.process.wait()
        self.process.stdout.close()


def verify(web_root: Path, url: str) -> subprocess.CompletedProcess:
    return subprocess.run(VERIFY + ["--manifest", str(web_root / "assets.json"), url],
                          capture_output=True, text=True)


def flip_one_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


class PackagedClientTest(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="tessera-assets-"))
        given = os.environ.get("TESSERA_WEB_ROOT")
        if given:
            self.web = self.tmp / "web"
            shutil.copytree(given, self.web)
        else:
            stage_small_client(self.tmp / "stage")
            self.web = self.tmp / "web"
            subprocess.run(PACKAGE + [str(self.tmp / "stage"), str(self.web)], check=True,
                           stdout=subprocess.DEVNULL)
        self.manifest = json.loads((self.web / "assets.json").read_text())["files"]

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def wasm_path(self) -> Path:
        [wasm] = [e["path"] for e in self.manifest if e["path"].endswith(".wasm")]
        return self.web / wasm.lstrip("/")

    def test_index_html_references_only_hashed_names_with_integrity(self):
        page = (self.web / "index.html").read_text()
        for plain in ('"/tessera.wasm"', '"/tessera.js"', '"/loader.js"', '"/style.css"', '"/fonts/tessera-ui.ttf"'):
            self.assertNotIn(plain, page)
        for entry in self.manifest:
            path = entry["path"]
            if path.endswith(".gz") or path == "/index.html":
                continue
            self.assertRegex(path, r"\.[0-9a-f]{16}\.(js|wasm|css|ttf)$")
            data = (self.web / path.lstrip("/")).read_bytes()
            self.assertEqual(hashlib.sha256(data).hexdigest()[:16], path.rsplit(".", 2)[1])
            self.assertIn(f'"{path}"', page, "index.html loads every hashed file")
            self.assertIn(f'"{entry["sri"]}"', page, "with its SRI string")
        self.assertNotRegex(page, r"<script>|<script [^>]*>[^<]", "no inline script")

    def test_each_gz_is_the_file_compressed_without_time_or_name(self):
        for entry in self.manifest:
            if not entry["path"].endswith(".gz"):
                continue
            packed = (self.web / entry["path"].lstrip("/")).read_bytes()
            self.assertEqual(packed[4:8], b"\0\0\0\0", "mtime is zero")
            self.assertEqual(packed[3] & 0x08, 0, "no file name")
            original = (self.web / entry["path"][1:-3]).read_bytes()
            self.assertEqual(gzip.decompress(packed), original)

    def test_packaging_the_same_input_twice_gives_identical_bytes(self):
        if os.environ.get("TESSERA_WEB_ROOT"):
            self.skipTest("the staged build is checked by the unit variant")
        again = self.tmp / "again"
        subprocess.run(PACKAGE + [str(self.tmp / "stage"), str(again)], check=True, stdout=subprocess.DEVNULL)
        self.assertEqual(tree_bytes(self.web), tree_bytes(again))

    def test_verify_assets_passes_against_a_gateway_serving_the_build(self):
        with Gateway(self.web) as gateway:
            result = verify(self.web, gateway.url)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertNotIn("MISMATCH", result.stdout)
        served = [e["path"] for e in self.manifest]
        for path in served:
            self.assertIn(f"OK       {path}  sha256:", result.stdout)

    def test_one_changed_byte_of_the_wasm_is_a_mismatch(self):
        wasm = self.wasm_path()
        flip_one_byte(wasm, wasm.stat().st_size // 2)
        with Gateway(self.web) as gateway:
            result = verify(self.web, gateway.url)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn(f"MISMATCH /{wasm.relative_to(self.web)}  expected sha256:", result.stdout)
        self.assertIn(f"OK       /{wasm.relative_to(self.web)}.gz", result.stdout)

    def test_one_changed_byte_of_the_wasm_gz_is_a_mismatch(self):
        packed = self.wasm_path().with_name(self.wasm_path().name + ".gz")
        flip_one_byte(packed, packed.stat().st_size - 1)
        with Gateway(self.web) as gateway:
            result = verify(self.web, gateway.url)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn(f"MISMATCH /{packed.relative_to(self.web)}  expected sha256:", result.stdout)

    def test_a_gateway_without_the_build_is_a_mismatch_not_a_crash(self):
        empty = self.tmp / "empty"
        empty.mkdir()
        (empty / "index.html").write_text("<!doctype html><title>Not Tessera</title>\n")
        with Gateway(empty) as gateway:
            result = verify(self.web, gateway.url)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("MISMATCH /index.html", result.stdout)
        self.assertNotIn("Traceback", result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
