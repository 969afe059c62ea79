"""Turn events into sentences."""

VOICES = {"plain": "{event}.", "epic": "Behold: {event}!"}


def narrate(event, voice="plain"):
    """One sentence about ``event`` in ``voice``."""
    template = VOICES.get(voice)
    if template is None:
        raise KeyError(f"no voice {voice!r}")
    return template.format(event=event)
