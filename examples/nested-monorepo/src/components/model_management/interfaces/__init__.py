"""What a model provider offers."""


class Provider:
    name = "base"

    def complete(self, prompt):
        raise NotImplementedError
