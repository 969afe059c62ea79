"""Fakes shared by tests."""


class FakeClock:
    def __init__(self, now=0.0):
        self.now = now

    def tick(self, seconds=1.0):
        self.now += seconds
        return self.now
