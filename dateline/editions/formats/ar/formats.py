# Django's Arabic formats have no DATETIME_FORMAT, and its fallback puts
# the month first with Latin commas ("ديسمبر 4, 2026, 8:59 ص").
DATETIME_FORMAT = "j F Y، g:i A"
