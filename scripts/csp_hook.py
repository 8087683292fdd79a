#!/usr/bin/env python3
"""Trunk post-build hook: moves the inline start-up script Trunk writes into index.html to its own
file (init.js), so the page's Content-Security-Policy can forbid every inline script."""
import os
import pathlib
import re
import sys

staging = pathlib.Path(os.environ.get("TRUNK_STAGING_DIR", sys.argv[1] if len(sys.argv) > 1 else "dist"))
index = staging / "index.html"
html = index.read_text(encoding="utf-8")
inline = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
bodies = []


def extract(match: re.Match) -> str:
    attrs, body = match.group("attrs"), match.group("body")
    if "src=" in attrs or not body.strip():
        return match.group(0)
    bodies.append(body.strip())
    return ""


html = inline.sub(extract, html)
if len(bodies) != 1:
    sys.exit(f"csp_hook: expected one inline script from Trunk in {index}, found {len(bodies)}")
(staging / "init.js").write_text(bodies[0] + "\n", encoding="utf-8")
# Relative to <base href>, so the same build works at / and under a sub-path.
html = html.replace("</head>", '<script type="module" src="./init.js"></script>\n</head>', 1)
index.write_text(html, encoding="utf-8")
print(f"csp_hook: moved Trunk's inline start-up script to {staging / 'init.js'}")
