"""Character arcs."""


def next_beat(beats):
    order = ["setup", "conflict", "resolution"]
    if not beats:
        return order[0]
    index = order.index(beats[-1])
    return order[min(index + 1, len(order) - 1)]
