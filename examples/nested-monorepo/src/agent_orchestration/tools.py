"""The tools an agent can call."""

TOOLS = {"look": lambda: "a dark room", "wait": lambda: "time passes"}


def call(name):
    if name not in TOOLS:
        raise KeyError(name)
    return TOOLS[name]()
