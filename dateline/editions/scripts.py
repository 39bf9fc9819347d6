"""Which edition a text belongs in, told from the letters it is written in.

A WordPress export says one language for the whole site ("en-US" even on a
site that publishes in Arabic), so an import places each story by its own
text. Arabic and Farsi share one script; each has letters the other does
not use (Farsi پ چ ژ گ and its own kaf and yeh, Arabic ة and its own kaf
and yeh), which tell them apart even in a headline. No library does this
offline for short texts without a model to download, so it is counted here.
"""

import unicodedata

ARABIC_SCRIPT = ("\u0600", "\u06ff")
# Letters of one language that the other does not write.
FARSI_LETTERS = set("پچژگکی")  # peh, tcheh, jeh, gaf, keheh, farsi yeh
ARABIC_LETTERS = set("ةكيى")  # teh marbuta, arabic kaf, arabic yeh, alef maksura
# At least this share of the letters must be in the Arabic script.
SCRIPT_SHARE = 0.5


def language_of(text, languages):
    """The language of `languages` ("ar", "fa") that `text` is written in,
    or None: mostly Latin (or other) letters, or a language not offered."""
    arabic_script = other = farsi = arabic = 0
    for character in text:
        if ARABIC_SCRIPT[0] <= character <= ARABIC_SCRIPT[1]:
            if unicodedata.category(character).startswith("L"):
                arabic_script += 1
                farsi += character in FARSI_LETTERS
                arabic += character in ARABIC_LETTERS
        elif character.isalpha():
            other += 1
    if not arabic_script or arabic_script < SCRIPT_SHARE * (arabic_script + other):
        return None
    language = "fa" if farsi > arabic else "ar"
    return language if language in languages else None
