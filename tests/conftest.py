import os
import pathlib

import numpy as np
import pytest

import ggufkit
from ggufkit import _testing

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = pathlib.Path(os.environ.get("GGUFKIT_SHARED", ROOT.parent / "shared"))
GOLDEN = SHARED / "golden"
REAL = SHARED / "real"
TIERS = _testing.runnable_tiers()


def pytest_report_header(config):
    info = ggufkit.cpu_info()
    return [f"ggufkit tiers runnable: {info['runnable']} (active {info['active']}); "
            f"features: {' '.join(info['features'])}",
            f"shared data: {SHARED}"]


def golden_types():
    """Type names that have a golden file, e.g. ['bf16', 'f16', ...]."""
    return sorted(p.stem for p in GOLDEN.glob("*.npz"))


def load_golden(name):
    with np.load(GOLDEN / f"{name}.npz", allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


@pytest.fixture(params=TIERS)
def tier(request):
    """Every kernel tier this CPU runs."""
    return request.param


def model_dir():
    d = os.environ.get("GGUFKIT_MODELS") or os.path.expanduser("~/.cache/ggufkit-models")
    return pathlib.Path(d)
