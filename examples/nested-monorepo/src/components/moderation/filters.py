"""Word filters."""

BLOCKED = {"darn"}


def clean(text):
    return " ".join("***" if word in BLOCKED else word for word in text.split())
