"""Exceptions."""


class GGUFError(ValueError):
    """A malformed or unsupported GGUF file. ``offset`` is the byte offset of the problem (or None)."""

    def __init__(self, message: str, offset: "int | None" = None):
        self.offset = offset
        if offset is not None:
            message = f"{message} (at byte offset {offset})"
        super().__init__(message)
