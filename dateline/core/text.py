"""Cleaning what readers type, for every public form."""

import unicodedata

# Line breaks and tabs are part of what a reader writes; every other control
# character (NUL, escape, bell...) is removed. Format characters such as the
# zero-width joiner are not controls: emoji and Persian need them.
KEPT_CONTROLS = {"\n", "\t"}
# Bidirectional embeddings, overrides and isolates are removed too: an
# unclosed right-to-left override in a name reverses the text after it
# wherever the name is shown without isolation (an e-mail, the admin), the
# trick behind spoofed names and file extensions. The left-to-right and
# right-to-left marks (U+200E, U+200F), which only nudge neutral characters
# such as punctuation, and ZWNJ stay: Arabic and Persian writers use them.
BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def without_controls(text, *, keep=KEPT_CONTROLS):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in keep or (unicodedata.category(ch) != "Cc" and ch not in BIDI_CONTROLS))
