"""Word filters."""

BLOCKED = {"darn", "heck"}


def clean(text):
    """``text`` with blocked words masked."""
    words = []
    for word in text.split():
        words.append("*" * len(word) if word.lower() in BLOCKED else word)
    return " ".join(words)
