"""gguf-py's GGUFReader as the independent oracle for the reader tests."""
import numpy as np
from gguf import GGUFReader, GGUFValueType as GV

# gguf-py 0.19 lists Q8_1 as 40 bytes per block; ggml's block_q8_1 is 36 (two fp16 + 32 int8).
GGUFPY_WRONG_SIZES = {"Q8_1": (40, 36)}


def field_value(field):
    """A field's value as gguf-py reads it: scalars and strings as Python values, numeric arrays as a
    numpy array (gguf-py's own dtype), string arrays as a list of str, arrays of arrays as contents()."""
    t = field.types
    if t[0] != GV.ARRAY:
        return field.contents()
    if len(t) == 2 and t[1] == GV.STRING:
        return field.contents()
    if len(t) == 2:
        parts = [field.parts[i] for i in field.data]
        if not parts:
            return np.zeros(0)
        return np.concatenate([p.reshape(-1) for p in parts])
    return field.contents()


def metadata_fields(reader):
    return {k: f for k, f in reader.fields.items() if not k.startswith("GGUF.")}


def open_reader(path):
    return GGUFReader(str(path))
