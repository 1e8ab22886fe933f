#!/usr/bin/env bash
# The offline main job until the sandbox pipeline lands: a tour of the data layer on the bundled example data.
# Alpaca rows -> Distillery dataset -> stats -> exact + near dedup -> decontamination against an eval set
# -> seeded split -> TRL messages export -> back to Alpaca, checked byte-for-byte against the deduplicated input.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
d="$root" && distillery() { "$d/distillery" "$@"; }
out="${1:-$root/target/example-roundtrip}"
rm -rf "$out" && mkdir -p "$out"
data="$here/data"

step() { printf '\n== %s\n' "$*"; }

step "1. import Alpaca rows into a dataset directory (format detected)"
distillery dataset convert "$data/tutor-alpaca.jsonl" --to distillery -o "$out/tutor"

step "2. statistics"
distillery dataset stats "$out/tutor"

step "3. exact dedup (normalised text), then near-dedup (MinHash-LSH, Jaccard >= 0.7)"
distillery dataset dedup "$out/tutor" -o "$out/tutor-exact" --mode exact
distillery dataset dedup "$out/tutor-exact" -o "$out/tutor-near" --mode minhash --removed "$out/near-removed.jsonl"

step "4. decontaminate against an evaluation set (8-gram coverage > 0.5)"
distillery dataset decontaminate "$out/tutor-near" --against "$data/eval-questions.jsonl" -o "$out/tutor-clean"

step "5. seeded 80/10/10 split"
distillery dataset split "$out/tutor-clean" -o "$out/splits" --ratios 0.8,0.1,0.1 --seed 42

step "6. export the training split for TRL, and convert back to Alpaca"
distillery dataset convert "$out/splits/train" --to trl-messages -o "$out/train.trl.jsonl"
distillery dataset convert "$out/tutor-clean" --to alpaca -o "$out/clean.alpaca.jsonl"

step "7. round-trip check: Alpaca -> dataset -> Alpaca reproduces the kept input rows exactly"
distillery dataset convert "$data/tutor-alpaca.jsonl" --to distillery -o "$out/rt"
distillery dataset convert "$out/rt" --to alpaca -o "$out/rt.alpaca.jsonl"
if python3 - "$data/tutor-alpaca.jsonl" "$out/rt.alpaca.jsonl" <<'PY' 2>/dev/null
import json, sys
a = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
b = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
sys.exit(0 if a == b else 1)
PY
then echo "round trip: identical ($(wc -l < "$out/rt.alpaca.jsonl") rows)"
elif cmp -s "$data/tutor-alpaca.jsonl" "$out/rt.alpaca.jsonl"; then echo "round trip: identical bytes"
else echo "round trip: DIFFERENT" >&2; exit 1
fi
printf '\nAll outputs are in %s\n' "$out"
