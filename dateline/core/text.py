"""Cleaning what readers type, for every public form."""

import unicodedata

# Line breaks and tabs are part of what a reader writes; every other control
# character (NUL, escape, bell...) is removed. Format characters such as the
# zero-width joiner are not controls: emoji and Persian need them.
KEPT_CONTROLS = {"\n", "\t"}


def without_controls(text, *, keep=KEPT_CONTROLS):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in keep or unicodedata.category(ch) != "Cc")
