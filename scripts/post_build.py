#!/usr/bin/env python3
"""Trunk post-build hook, run on the staging folder before it becomes dist/:

1. moves the inline start-up script Trunk writes into index.html to its own file (init.js), so
   the page's Content-Security-Policy can forbid every inline script;
2. in release builds, drops the custom sections of the .wasm files (function names, producers):
   nothing reads them at run time, and the names alone were 171 KB of the 1.74 MB gzip the
   page loads. Panic messages keep their text; only stack frames lose their function names
   (debug builds keep them);
3. stamps the service worker (sw.js) with a hash of the build, so each deployment installs a
   new worker that caches that deployment's files as one consistent set.
"""
import base64
import hashlib
import os
import pathlib
import re
import sys

staging = pathlib.Path(os.environ.get("TRUNK_STAGING_DIR", sys.argv[1] if len(sys.argv) > 1 else "dist"))


def move_inline_script() -> None:
    index = staging / "index.html"
    html = index.read_text(encoding="utf-8")
    bodies = []

    def extract(match: re.Match) -> str:
        if "src=" in match.group("attrs") or not match.group("body").strip():
            return match.group(0)
        bodies.append(match.group("body").strip())
        return ""

    html = re.sub(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", extract, html, flags=re.S)
    if len(bodies) != 1:
        sys.exit(f"post_build: expected Trunk's one inline script in {index}, found {len(bodies)}")
    (staging / "init.js").write_text(bodies[0] + "\n", encoding="utf-8")
    # Relative to <base href>, so the same build works at / and under a sub-path.
    html = html.replace("</head>", '<script type="module" src="./init.js"></script>\n</head>', 1)
    index.write_text(html, encoding="utf-8")


def leb128(data: bytes, at: int) -> tuple[int, int]:
    """An unsigned LEB128 number at `at`, and the offset after it."""
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def without_custom_sections(wasm: bytes) -> bytes:
    """The module with every custom section (id 0) left out; other sections byte for byte.

    Written here rather than with wasm-opt or wasm-strip: only the package registries are
    reachable, and binaryen from npm costs a minute a build (see BENCHMARKS.md)."""
    if wasm[:4] != b"\0asm":
        sys.exit("post_build: not a wasm module")
    out, at = bytearray(wasm[:8]), 8
    while at < len(wasm):
        section_id = wasm[at]
        size, payload = leb128(wasm, at + 1)
        if section_id != 0:
            out += wasm[at:payload + size]
        at = payload + size
    return bytes(out)


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def strip_wasm() -> None:
    if os.environ.get("TRUNK_PROFILE") != "release":
        return
    index = staging / "index.html"
    html = index.read_text(encoding="utf-8")
    for path in staging.glob("*.wasm"):
        before = path.read_bytes()
        after = without_custom_sections(before)
        path.write_bytes(after)
        # Trunk wrote the file's hash into index.html (the preload's integrity): keep it true,
        # or the browser refuses the preloaded copy and downloads the file again.
        html = html.replace(f'integrity="{sri(before)}"', f'integrity="{sri(after)}"')
        print(f"post_build: {path.name} {len(before)} -> {len(after)} bytes without custom sections")
    index.write_text(html, encoding="utf-8")


def stamp_service_worker() -> None:
    sw = staging / "sw.js"
    digest = hashlib.sha256()
    for path in sorted(p for p in staging.iterdir() if p.is_file() and p.name != "sw.js"):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    text = sw.read_text(encoding="utf-8")
    if "__BUILD__" not in text:
        sys.exit(f"post_build: {sw} has no __BUILD__ placeholder")
    sw.write_text(text.replace("__BUILD__", digest.hexdigest()[:16]), encoding="utf-8")


move_inline_script()
strip_wasm()
stamp_service_worker()
print(f"post_build: init.js written and sw.js stamped in {staging}")
