"""GGUFFile and Tensor (the reader family fills this in)."""


class GGUFFile:
    pass


class Tensor:
    pass


def open(path):  # noqa: A001 - mirrors builtins.open on purpose: ggufkit.open(path)
    raise NotImplementedError("the reader is not built yet")
