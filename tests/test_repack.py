"""Repacked weights (ggufkit.repack): the packers against an independent decoding of the layout, the
repacked vec_dot of every tier against ggml's golden results and the scalar reference, and
matmul(x, repack(w)) against matmul(x, w)."""
import gguf
import numpy as np
import pytest

from conftest import TIERS, load_golden
from ggufkit import GGMLType, Repacked, _core, _testing, matmul, quantize, repack
from ggufkit._matmul import REPACKED_MAX_M, quantize_activations
from matmul_helpers import act_dequant
from test_vecdot_simd import _with_every_iq2_index, dequant, random_blocks

IQ1 = ["IQ1_S", "IQ1_M"]
IQ2 = ["IQ2_XXS", "IQ2_XS", "IQ2_S"]
IQ3 = ["IQ3_XXS", "IQ3_S"]
TYPES = IQ1 + IQ2 + IQ3
SIZES = {**dict.fromkeys(IQ1, 76), **dict.fromkeys(IQ2, 106), **dict.fromkeys(IQ3, 134)}
IQ3_MAG = {"IQ3_XXS": np.array([4.0, 12, 20, 28, 36, 44, 52, 62]), "IQ3_S": np.arange(1.0, 16.0, 2)}
SIMD_TIERS = [t for t in TIERS if t != "ref"]


def rp_dot(name, wr_row, a_row, k, tier):
    return _core.vec_dot_repacked(int(GGMLType[name]), np.ascontiguousarray(wr_row), np.ascontiguousarray(a_row), k, tier)


def decode_repacked(name, data, k):
    """float64 weights of repacked rows, decoded from the layout's description (blocks.h), not from
    the packer's code."""
    n = data.shape[0]
    nb = k // 256
    b = data.reshape(n * nb, SIZES[name])
    if name in IQ3:
        q4 = b[:, :128]
        nib = np.concatenate([q4 & 0xF, q4 >> 4], axis=1).astype(int)            # weight 128 h + j
        val = IQ3_MAG[name][nib & 7] * np.where(nib & 8, -1.0, 1.0)
        sc = b[:, 128:132]
        s = np.stack([(sc[:, g // 2] >> (4 * (g % 2))) & 0xF for g in range(8)], axis=1).astype(np.float64)
        d = b[:, 132:134].copy().view(np.float16).astype(np.float64)[:, 0]
        mul = (2 * s + 1) / 4 if name == "IQ3_XXS" else 2 * s + 1
        return (d[:, None] * mul.repeat(32, axis=1) * val).reshape(n, k)
    q2 = b[:, :64]
    codes = np.concatenate([(q2 >> (2 * c)) & 3 for c in range(4)], axis=1).astype(np.float64)  # weight 64c + j
    if name in IQ1:
        delta_bits = np.unpackbits(b[:, 64:68], axis=1, bitorder="little")      # bit e: group e of 8
        delta = np.where(delta_bits == 1, -0.125, 0.125).repeat(8, axis=1)
        words = b[:, 68:76].copy().view("<u2").astype(np.int64)                   # (nb, 4)
        ls = np.stack([(words[:, h // 4] >> (3 * (h % 4))) & 7 for h in range(16)], axis=1)
        dbits = sum(((words[:, w] >> 12) & 0xF) << (4 * w) for w in range(4)).astype(np.uint16)
        d = dbits.view(np.float16).astype(np.float64)
        w = d[:, None] * (2 * ls + 1).repeat(16, axis=1) * ((codes - 1) + delta)
    else:
        mag = np.array([8.0, 25.0, 43.0, np.nan])[codes.astype(int)]
        sign = np.where(np.unpackbits(b[:, 64:96], axis=1, bitorder="little") == 1, -1.0, 1.0)
        sc = b[:, 96:104]
        s = np.stack([(sc[:, h // 2] >> (4 * (h % 2))) & 0xF for h in range(16)], axis=1).astype(np.float64)
        d = b[:, 104:106].copy().view(np.float16).astype(np.float64)[:, 0]
        w = d[:, None] * ((2 * s + 1) / 8).repeat(16, axis=1) * mag * sign
    return w.reshape(n, k)


def golden_rows(name):
    g = load_golden(name.lower())
    q = g["quant"] if "quant" in g else g["quant_imatrix"]
    return g, np.ascontiguousarray(q), g["dequant"].shape[1]


@pytest.mark.parametrize("name", TYPES)
def test_every_type_repacks_and_the_simd_tiers_serve_it(name):
    assert _core.repack_row_size(int(GGMLType[name]), 512) == 2 * SIZES[name]
    for tier in SIMD_TIERS:
        served = _testing.tier_kernels(tier)[name]["vec_dot_repacked"]
        assert served not in (None, "ref"), (tier, name)
    if "avx512_vnni" in TIERS:
        assert _testing.tier_kernels("avx512_vnni")[name]["vec_dot_repacked"] == "avx512_vnni", name


@pytest.mark.parametrize("name", TYPES)
def test_packer_keeps_every_weight(name):
    """Golden rows and random rows (every grid index and sign pattern for IQ2; for IQ3, 160 random blocks:
    10240 random grid indices, every one of the 512 almost surely): the repacked layout, decoded from its
    description, holds exactly the weights gguf-py dequantizes from the source."""
    rng = np.random.default_rng(abs(hash((name, "pack"))) % 2**32)
    g, q, k = golden_rows(name)
    rows = [q]
    t = GGMLType[name]
    nbk = 160 if name in IQ3 else 40
    blocks = random_blocks(name, 1, nbk * 256, rng).reshape(nbk, t.type_size)
    if name in IQ2:
        blocks = _with_every_iq2_index(name, blocks, rng)
    rows.append(blocks.reshape(1, -1))
    for w in rows:
        kk = w.shape[1] // t.type_size * 256
        r = repack(w, type=name, shape=(w.shape[0], kk))
        got = decode_repacked(name, r.data, kk)
        want = dequant(name, w, kk)
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", TYPES)
def test_golden(name, tier):
    """Each golden row, repacked, with ggml's golden activation bytes: within 1e-6 of sum|w * a| of ggml's
    own vec_dot of the source row (the bound every vec_dot tier meets)."""
    g, q, k = golden_rows(name)
    a = g["act_q"]
    wr = repack(q, type=name, shape=(q.shape[0], k)).data
    adq = act_dequant(GGMLType[name].vec_dot_type, a)
    for r in range(q.shape[0]):
        l1 = np.sum(np.abs(g["dequant"][r].astype(np.float64) * adq))
        got = rp_dot(name, wr[r], a, k, tier)
        assert abs(got - float(g["vec_dot"][r])) <= 1e-6 * l1, (name, tier, r, got, g["vec_dot"][r])


def _extreme_rows(name, nb, rng):
    """Rows of nb blocks at the ends of every field: all codes at their largest (or smallest), every sign
    or delta bit set (or clear), the largest scales, alternating with random blocks."""
    t = GGMLType[name]
    raw = random_blocks(name, 1, nb * 256, rng).reshape(nb, t.type_size)
    r = repack(raw.reshape(1, -1), type=name, shape=(1, nb * 256)).data.reshape(nb, -1).copy()
    for i in range(0, nb, 2):
        hi = (i // 2) % 2 == 0
        if name in IQ3:
            r[i, :128] = 0xFF if hi else 0x77                               # code 7: all negative, all positive
            r[i, 128:132] = 0xFF                                             # every scale 15
            continue
        r[i, :64] = 0xAA if hi else 0x00                                   # codes 2 (u = 2 / 43) or 0
        if name in IQ1:
            r[i, 64:68] = 0xFF if hi else 0x00
            words = r[i, 68:76].copy().view("<u2")
            words[:] = (words & 0xF000) | 0x0FFF                            # every scale 7, d kept
            r[i, 68:76] = words.view(np.uint8)
        else:
            r[i, 64:96] = 0xFF if hi else 0x00
            r[i, 96:104] = 0xFF                                              # every scale 15
    return r.reshape(1, -1)


@pytest.mark.parametrize("name", TYPES)
def test_random_and_extreme_rows_against_ref_and_float64(name, tier):
    """Random and extreme repacked rows of 1 to 17 blocks (odd counts for kernels that take two blocks at
    a time), ordinary and +-127 activations: the tier agrees with the ref tier within 1e-6 and with float64
    within 1e-5 of sum|w * a|."""
    rng = np.random.default_rng(abs(hash((name, tier, "rp"))) % 2**32)
    vt = GGMLType[name].vec_dot_type
    for nb in (1, 2, 3, 5, 17):
        k = nb * 256
        t = GGMLType[name]
        blocks = random_blocks(name, 1, k, rng)
        rows = [repack(blocks, type=name, shape=(1, k)).data, _extreme_rows(name, nb, rng)]
        for wr in rows:
            wd = decode_repacked(name, wr, k)[0]
            for x in (rng.standard_normal(k).astype(np.float32), rng.choice([-1.0, 1.0], k).astype(np.float32)):
                a = quantize_activations(x[None, :], vt)[0]
                ad = act_dequant(vt, a)
                l1 = np.sum(np.abs(wd * ad))
                got = rp_dot(name, wr[0], a, k, tier)
                ref = rp_dot(name, wr[0], a, k, "ref")
                assert abs(got - ref) <= 1e-6 * l1 + 1e-30, (name, tier, nb, got, ref)
                assert abs(got - float(np.dot(wd, ad))) <= 1e-5 * l1 + 1e-30, (name, tier, nb)


@pytest.mark.parametrize("name", TYPES)
def test_matmul_on_repacked_weights(name, tier):
    """matmul(x, repack(w)) agrees with matmul(x, w) for a few rows of x (the repacked kernels) and many
    (the source blocks' gemm), does not depend on the thread count, and float activations use the source."""
    rng = np.random.default_rng(abs(hash((name, tier, "mm"))) % 2**32)
    n, k = 37, 512
    W = rng.standard_normal((n, k)).astype(np.float32)
    q = quantize(W, name, imatrix=np.ones(k, np.float32))
    r = repack(q, type=name, shape=(n, k))
    kern = _testing.kernels(tier)
    for m in (1, 3, REPACKED_MAX_M[name], REPACKED_MAX_M[name] + 1, 32):
        x = rng.standard_normal((m, k)).astype(np.float32)
        want = kern.matmul(x, q, type=name, shape=(n, k), threads=1)
        wd = dequant(name, q, k)
        l1 = np.abs(x.astype(np.float64)) @ np.abs(wd).T
        for th in (1, 2, 3):
            got = kern.matmul(x, r, threads=th)
            assert np.all(np.abs(got - want) <= 1e-6 * l1 + 1e-30), (name, tier, m, th)
            if th > 1:
                np.testing.assert_array_equal(got, kern.matmul(x, r, threads=1))
        # the path taken: the repacked kernels up to REPACKED_MAX_M rows, the source blocks above
        direct = np.empty((m, n), np.float32)
        _core.matmul_repacked_raw(x, r.data, int(GGMLType[name]), k, direct, 1, tier)
        if m <= REPACKED_MAX_M[name]:
            np.testing.assert_array_equal(got, direct)
        else:
            np.testing.assert_array_equal(got, want)
    x1 = rng.standard_normal(k).astype(np.float32)
    np.testing.assert_array_equal(kern.matmul(x1, r, activations="float"),
                                  kern.matmul(x1, q, type=name, shape=(n, k), activations="float"))


def test_types_without_a_layout_pass_through():
    rng = np.random.default_rng(5)
    W = rng.standard_normal((8, 256)).astype(np.float32)
    for name in ("Q4_0", "Q4_K", "Q3_K", "IQ4_XS", "F16"):
        q = quantize(W, name, imatrix=np.ones(256, np.float32))
        r = repack(q, type=name, shape=(8, 256))
        assert isinstance(r, Repacked) and not r.repacked and r.data is None and r.nbytes == 0
        x = rng.standard_normal(256).astype(np.float32)
        np.testing.assert_array_equal(matmul(x, r), matmul(x, q, type=name, shape=(8, 256)))


def test_repacked_from_a_tensor_and_clear_errors(tmp_path):
    rng = np.random.default_rng(6)
    n, k = 16, 512
    W = rng.standard_normal((n, k)).astype(np.float32)
    q = quantize(W, "IQ2_XS", imatrix=np.ones(k, np.float32))
    path = tmp_path / "w.gguf"
    wr = gguf.GGUFWriter(str(path), "llama")
    wr.add_tensor("w", q, raw_shape=(n, q.shape[1]), raw_dtype=gguf.GGMLQuantizationType.IQ2_XS)
    wr.write_header_to_file()
    wr.write_kv_data_to_file()
    wr.write_tensors_to_file()
    wr.close()
    import ggufkit
    with ggufkit.open(path) as f:
        t = f.tensors["w"] if hasattr(f.tensors, "keys") else [t for t in f.tensors if t.name == "w"][0]
        r = repack(t)
        assert r.repacked and r.shape == (n, k) and r.type == GGMLType.IQ2_XS
        x = rng.standard_normal(k).astype(np.float32)
        np.testing.assert_allclose(matmul(x, r), matmul(x, t), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="disagrees"):
        matmul(x, r, type="IQ2_S")
    with pytest.raises(ValueError, match="disagrees"):
        matmul(x, r, shape=(n, 2 * k))
    with pytest.raises(ValueError, match="columns"):
        matmul(rng.standard_normal(k + 256).astype(np.float32), r)
    with pytest.raises(ValueError):
        repack(q, type="IQ2_XS", shape=(n + 1, k))
    with pytest.raises(TypeError):
        repack(q)
