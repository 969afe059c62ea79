"""Narration voices."""

VOICES = {"calm": "{}.", "excited": "{}!"}


def narrate(text, voice="calm"):
    return VOICES[voice].format(text)
