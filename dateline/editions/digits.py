"""Numbers in each edition's own digits, where the newsroom chose them
(DATELINE_NATIVE_DIGITS): "12 March 2025" is "١٢ مارس ٢٠٢٥" in Arabic."""

from django.conf import settings
from django.utils import translation

ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
NATIVE_DIGITS = {"ar": ARABIC_INDIC, "fa": PERSIAN, "ur": PERSIAN, "ps": PERSIAN}


def in_edition_digits(text):
    """`text` with its digits in the current edition's. Only for what
    readers see: machine-read values (datetime="…", addresses) keep Latin digits."""
    language = translation.get_language()
    native = NATIVE_DIGITS.get(language)
    if native is None or language not in settings.DATELINE_NATIVE_DIGITS:
        return text
    return text.translate(str.maketrans("0123456789", native))
