"""SIMD vec_dot of the grid (IQ2/IQ3/IQ1), TQ1_0, Q1_0/Q2_0 and NVFP4 types on every runnable tier:
against ggml's golden results, against the scalar `ref` tier and float64 numpy on random valid blocks,
and that each SIMD tier really serves these types."""
import gguf
import gguf.quants
import numpy as np
import pytest

from conftest import TIERS, load_golden
from ggufkit import GGMLType, _core, _testing, matmul
from ggufkit._matmul import quantize_activations
from matmul_helpers import act_dequant

TYPES = ["IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ3_XXS", "IQ3_S", "IQ1_S", "IQ1_M", "TQ1_0", "Q1_0", "Q2_0", "NVFP4"]
SIMD_TIERS = [t for t in TIERS if t != "ref"]

# Byte offset of the fp16 block scale, for making random blocks valid (finite scale).
_D_OFFSET = {"IQ2_XXS": 0, "IQ2_XS": 0, "IQ2_S": 0, "IQ3_XXS": 0, "IQ3_S": 0, "IQ1_S": 0,
             "TQ1_0": 52, "Q1_0": 0, "Q2_0": 0}


def vec_dot(name, w_row, a_row, k, tier):
    return _core.vec_dot(int(GGMLType[name]), np.ascontiguousarray(w_row), np.ascontiguousarray(a_row), k, tier)


def dequant(name, raw, k):
    """float64 weights of raw rows (n, row_bytes): gguf-py, or numpy for the types it lacks."""
    raw = np.ascontiguousarray(raw, dtype=np.uint8)
    n = raw.shape[0]
    if name in ("Q1_0", "Q2_0"):
        b = raw.reshape(-1, 18)
        d = b[:, :2].copy().view(np.float16).astype(np.float64)
        bits = np.unpackbits(b[:, 2:], axis=1, bitorder="little")  # bit j of the 16 bytes, in order
        if name == "Q1_0":  # bit set: +d, clear: -d
            v = 2.0 * bits - 1.0
        else:  # 2-bit fields, lowest first: {0, 1, 2, 3} -> {-1, 0, 1, 2}
            v = (bits[:, 0::2] + 2.0 * bits[:, 1::2]) - 1.0
        return (d * v).reshape(n, k)
    return gguf.quants.dequantize(raw, getattr(gguf.GGMLQuantizationType, name)).astype(np.float64).reshape(n, k)


def random_blocks(name, n, k, rng):
    """n rows of k weights: uniformly random bytes (every grid index, sign and scale pattern), with
    finite block scales of varied magnitude."""
    t = GGMLType[name]
    nb = k // t.block_size
    raw = rng.integers(0, 256, size=(n * nb, t.type_size), dtype=np.uint8)
    d = (rng.uniform(0.5, 1.0, n * nb) * 2.0 ** rng.integers(-12, 4, n * nb)
         * rng.choice([-1.0, 1.0], n * nb)).astype(np.float16)
    if name in _D_OFFSET:
        o = _D_OFFSET[name]
        raw[:, o:o + 2] = d.view(np.uint8).reshape(-1, 2)
    elif name == "IQ1_M":  # the fp16 scale is the top nibble of each of the 4 uint16 scales words
        h = d.view(np.uint16).astype(np.uint16)
        sc = raw[:, 48:56].copy().view(np.uint16)
        for j in range(4):
            sc[:, j] = (sc[:, j] & 0x0FFF) | (((h >> (4 * j)) & 0xF) << 12)
        raw[:, 48:56] = sc.view(np.uint8)
    return raw.reshape(n, nb * t.type_size)


def test_every_simd_tier_serves_these_types():
    """A missing table row (or a tier that does not run) fails here."""
    for tier in SIMD_TIERS:
        served = _testing.tier_kernels(tier)
        for name in TYPES:
            assert served[name]["vec_dot"] not in (None, "ref"), (tier, name, served[name])
    if "avx512_vnni" in TIERS:
        served = _testing.tier_kernels("avx512_vnni")
        for name in TYPES:
            assert served[name]["vec_dot"] == "avx512_vnni", name


@pytest.mark.parametrize("name", TYPES)
def test_golden(name, tier):
    """Each golden weight row with ggml's golden activation bytes: within 1e-6 of sum|w * a| of ggml."""
    g = load_golden(name.lower())
    q = g["quant"] if "quant" in g else g["quant_imatrix"]
    a = g["act_q"]
    k = g["dequant"].shape[1]
    adq = act_dequant(GGMLType[name].vec_dot_type, a)
    for r in range(q.shape[0]):
        l1 = np.sum(np.abs(g["dequant"][r].astype(np.float64) * adq))
        got = vec_dot(name, q[r], a, k, tier)
        assert abs(got - float(g["vec_dot"][r])) <= 1e-6 * l1, (name, tier, r, got, g["vec_dot"][r])


@pytest.mark.parametrize("name", TYPES)
def test_random_blocks_against_ref_and_float64(name, tier):
    """Random valid blocks, several row lengths (odd block counts too), ordinary and extreme (+-127)
    activations: the tier agrees with the scalar ref tier within 1e-6 of sum|w * a| and with float64 numpy
    within 1e-5 of it."""
    rng = np.random.default_rng(abs(hash((name, tier, "vd"))) % 2**32)
    vt = GGMLType[name].vec_dot_type
    # 5 and 17 blocks: odd block counts (kernels that take two blocks per iteration) and more blocks than
    # IQ1_M's 16-block index pass
    for k in (256, 768, 2048, 5 * GGMLType[name].block_size, 17 * GGMLType[name].block_size):
        n = 6
        w = random_blocks(name, n, k, rng)
        wd = dequant(name, w, k)
        xs = [rng.standard_normal(k).astype(np.float32),
              (rng.standard_normal(k) * 10.0 ** rng.uniform(-3, 3, k)).astype(np.float32),
              rng.choice([-1.0, 1.0], k).astype(np.float32)]  # every activation byte at +-127
        for x in xs:
            a = quantize_activations(x[None, :], vt)[0]
            ad = act_dequant(vt, a)
            for r in range(n):
                l1 = np.sum(np.abs(wd[r] * ad))
                got = vec_dot(name, w[r], a, k, tier)
                ref = vec_dot(name, w[r], a, k, "ref")
                assert abs(got - ref) <= 1e-6 * l1 + 1e-30, (name, tier, k, r, got, ref)
                assert abs(got - float(np.dot(wd[r], ad))) <= 1e-5 * l1 + 1e-30, (name, tier, k, r)


def _with_every_iq2_index(name, raw, rng):
    """raw (nb, type_size) blocks of IQ2_XXS/IQ2_XS/IQ2_S with their 32 grid indices per block set to a
    random permutation of every grid index (repeated as needed), and their sign fields to every pattern."""
    nb = raw.shape[0]
    ngrid = {"IQ2_XXS": 256, "IQ2_XS": 512, "IQ2_S": 1024}[name]
    idx = np.concatenate([rng.permutation(ngrid) for _ in range(-(-nb * 32 // ngrid))])[:nb * 32].reshape(nb, 32)
    nsign = 256 if name == "IQ2_S" else 128
    sgn = np.concatenate([rng.permutation(nsign) for _ in range(-(-nb * 32 // nsign))])[:nb * 32].reshape(nb, 32)
    raw = raw.copy()
    if name == "IQ2_XXS":  # qs qword g: 4 index bytes, then 4 seven-bit sign fields and the 4-bit scale
        for g in range(8):
            raw[:, 2 + 8 * g:6 + 8 * g] = idx[:, 4 * g:4 * g + 4]
            aux = raw[:, 6 + 8 * g:10 + 8 * g].copy().view("<u4")[:, 0]
            aux = aux & np.uint32(0xF0000000)
            for l in range(4):
                aux |= sgn[:, 4 * g + l].astype(np.uint32) << np.uint32(7 * l)
            raw[:, 6 + 8 * g:10 + 8 * g] = aux.astype("<u4").view(np.uint8).reshape(nb, 4)
    elif name == "IQ2_XS":  # qs word s: 9-bit index | 7-bit sign field << 9
        w = (idx | (sgn << 9)).astype("<u2")
        raw[:, 2:66] = w.view(np.uint8).reshape(nb, 64)
    else:  # qs: 32 low index bytes, then 32 sign bytes; qh[g]: bits 8-9 of the indices of group g, 2 bits each
        raw[:, 2:34] = idx & 0xFF
        raw[:, 34:66] = sgn
        hi = (idx >> 8).reshape(nb, 8, 4)
        raw[:, 66:74] = hi[:, :, 0] | (hi[:, :, 1] << 2) | (hi[:, :, 2] << 4) | (hi[:, :, 3] << 6)
    return raw


@pytest.mark.parametrize("name", ["IQ2_XXS", "IQ2_XS", "IQ2_S"])
def test_iq2_every_grid_index_sign_pattern_and_block_count(name, tier):
    """Rows that use every grid index and every sign pattern, of 1 to 7 blocks and of one more block than the
    grid needs (the kernels handle two blocks per iteration and look the next pair up ahead), with ordinary
    and extreme (+-127) activations: the tier agrees with ref within 1e-6 and float64 within 1e-5 of sum|w * a|."""
    rng = np.random.default_rng(abs(hash((name, tier, "iq2"))) % 2**32)
    t = GGMLType[name]
    vt = t.vec_dot_type
    nfull = {"IQ2_XXS": 8, "IQ2_XS": 16, "IQ2_S": 32}[name] + 1
    for nb in (1, 2, 3, 4, 5, 6, 7, nfull):
        k = nb * 256
        blocks = random_blocks(name, 1, k, rng).reshape(nb, t.type_size)
        w = _with_every_iq2_index(name, blocks, rng).reshape(1, nb * t.type_size)
        wd = dequant(name, w, k)[0]
        for x in (rng.standard_normal(k).astype(np.float32), rng.choice([-1.0, 1.0], k).astype(np.float32)):
            a = quantize_activations(x[None, :], vt)[0]
            ad = act_dequant(vt, a)
            l1 = np.sum(np.abs(wd * ad))
            got = vec_dot(name, w[0], a, k, tier)
            ref = vec_dot(name, w[0], a, k, "ref")
            assert abs(got - ref) <= 1e-6 * l1 + 1e-30, (name, tier, nb, got, ref)
            assert abs(got - float(np.dot(wd, ad))) <= 1e-5 * l1 + 1e-30, (name, tier, nb)


PDEP_TYPES = ["IQ2_XS", "IQ2_S", "IQ3_S", "IQ1_S", "IQ1_M"]


@pytest.mark.skipif("avx2" not in TIERS, reason="the avx2 tier does not run here")
def test_avx2_without_pdep_gives_the_same_results():
    """The avx2 IQ kernels build grid indices with pdep/pext, microcoded on AMD Zen 1/2; there
    (GK_CPU_SLOW_PDEP, forced here by GGUFKIT_SLOW_PDEP=1 in a fresh process) they take a shift-based
    form. It must give exactly the bytes of the pdep form on ggml's golden rows (vec_dot), and ggml's
    own bytes (the IQ1 quantizers)."""
    import json
    import os
    import subprocess
    import sys
    prog = (
        "import json, sys, numpy as np, ggufkit\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from conftest import load_golden\n"
        "assert 'slow_pdep' in ggufkit.cpu_info()['features']\n"
        "out = {}\n"
        f"for name in {PDEP_TYPES!r}:\n"
        "    z = load_golden(name.lower())\n"
        "    q = z['quant'] if 'quant' in z else z['quant_imatrix']\n"
        "    k = z['dequant'].shape[1]\n"
        "    x = np.random.default_rng(7).standard_normal((3, k)).astype(np.float32)\n"
        "    y = ggufkit.matmul(x, q.reshape(q.shape[0], -1), type=name, shape=(q.shape[0], k), _isa='avx2')\n"
        "    out[name] = y.view(np.uint32).tolist()\n"
        "for name in ('IQ1_S', 'IQ1_M'):  # the avx2 IQ1 quantizers' split search uses pdep too\n"
        "    g = load_golden(name.lower())\n"
        "    got = ggufkit._testing.kernels('avx2').quantize(g['src'], name, imatrix=g['imatrix'])\n"
        "    out['quant ' + name] = bool((got == g['quant_imatrix']).all())\n"
        "print(json.dumps(out))\n")
    env = dict(os.environ, GGUFKIT_SLOW_PDEP="1")
    tests_dir = os.path.dirname(os.path.abspath(__file__))
    r = subprocess.run([sys.executable, "-c", prog, tests_dir], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    slow = json.loads(r.stdout)
    for name in PDEP_TYPES:
        z = load_golden(name.lower())
        q = z["quant"] if "quant" in z else z["quant_imatrix"]
        k = z["dequant"].shape[1]
        x = np.random.default_rng(7).standard_normal((3, k)).astype(np.float32)  # m < 4: the m = 1 kernels
        fast = matmul(x, q.reshape(q.shape[0], -1), type=name, shape=(q.shape[0], k), _isa="avx2")
        assert fast.view(np.uint32).tolist() == slow[name], name
    assert slow["quant IQ1_S"] and slow["quant IQ1_M"], "pdep-free IQ1 quantizer differs from ggml's bytes"
