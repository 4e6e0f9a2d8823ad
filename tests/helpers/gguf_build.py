"""Hand-built GGUF bytes, for the files gguf-py cannot or will not write (bad magic, duplicate keys,
overlapping tensors, absurd counts ...). Written from the format description, not from our reader."""
import struct

UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64 = range(13)
SCALAR_FMT = {UINT8: "B", INT8: "b", UINT16: "H", INT16: "h", UINT32: "I", INT32: "i", FLOAT32: "f",
              BOOL: "B", UINT64: "Q", INT64: "q", FLOAT64: "d"}


class GGUFBuilder:
    def __init__(self, version=3, order="<", magic=b"GGUF"):
        self.version = version
        self.order = order
        self.magic = magic
        self.kvs = []        # raw encoded records
        self.tensors = []    # raw encoded records
        self.alignment = 32

    def pack(self, fmt, *values):
        return struct.pack(self.order + fmt, *values)

    def string(self, s):
        b = s.encode() if isinstance(s, str) else bytes(s)
        return self.pack("Q", len(b)) + b

    def value(self, vtype, v, elem_type=None):
        """The encoding of a value (without its type), recursively for arrays: v = list for ARRAY,
        and for nested arrays v = [(elem_type, list), ...]."""
        if vtype in SCALAR_FMT:
            return self.pack(SCALAR_FMT[vtype], v)
        if vtype == STRING:
            return self.string(v)
        if vtype == ARRAY:
            out = self.pack("I", elem_type) + self.pack("Q", len(v))
            for item in v:
                if elem_type == ARRAY:
                    out += self.value(ARRAY, item[1], item[0])
                else:
                    out += self.value(elem_type, item)
            return out
        raise ValueError(vtype)

    def kv(self, key, vtype, v=None, elem_type=None, raw=None):
        rec = self.string(key) + self.pack("I", vtype) + (raw if raw is not None else self.value(vtype, v, elem_type))
        self.kvs.append(rec)
        if key == "general.alignment" and vtype == UINT32:
            self.alignment = v
        return self

    def tensor(self, name, ne, type_id, offset, n_dims=None):
        rec = self.string(name) + self.pack("I", len(ne) if n_dims is None else n_dims)
        rec += b"".join(self.pack("Q", d) for d in ne) + self.pack("I", type_id) + self.pack("Q", offset)
        self.tensors.append(rec)
        return self

    def header(self, n_tensors=None, n_kv=None):
        return (self.magic + self.pack("I", self.version)
                + self.pack("Q", len(self.tensors) if n_tensors is None else n_tensors)
                + self.pack("Q", len(self.kvs) if n_kv is None else n_kv))

    def build(self, data=b"", n_tensors=None, n_kv=None, pad=True):
        out = self.header(n_tensors, n_kv) + b"".join(self.kvs) + b"".join(self.tensors)
        if pad and (self.tensors or data):
            out += b"\0" * (-len(out) % self.alignment)
        return out + data


def small_valid_file(order="<"):
    """A small valid file with every value type, a string array, nested arrays and three tensors."""
    b = GGUFBuilder(order=order)
    b.kv("general.architecture", STRING, "llama")
    b.kv("general.alignment", UINT32, 32)
    for t, v in [(UINT8, 200), (INT8, -5), (UINT16, 60000), (INT16, -300), (UINT32, 4000000000),
                 (INT32, -7), (FLOAT32, 1.5), (BOOL, 1), (UINT64, 2**63 + 5), (INT64, -2**40), (FLOAT64, 2.25)]:
        b.kv(f"test.scalar_{t}", t, v)
    b.kv("test.floats", ARRAY, [1.0, -2.0, 3.5], elem_type=FLOAT32)
    b.kv("test.strings", ARRAY, ["a", "", "héllo"], elem_type=STRING)
    b.kv("test.nested", ARRAY, [(INT32, [1, 2]), (STRING, ["x"]), (ARRAY, [(UINT8, [7])])], elem_type=ARRAY)
    b.kv("test.bools", ARRAY, [1, 0, 1], elem_type=BOOL)
    b.tensor("a", [4, 2], 0, 0)          # F32 2x4 = 32 bytes
    b.tensor("b", [32], 8, 32)           # Q8_0 one block = 34 bytes
    b.tensor("c", [3], 1, 96)            # F16 3 = 6 bytes
    data = bytes(range(32)) + bytes(range(34)) + b"\0" * 30 + b"\x00\x3c" * 3 + b"\0" * 26
    return b.build(data)
