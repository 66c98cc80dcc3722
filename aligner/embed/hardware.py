"""Detect what the machine can do (bf16 on the CPU, CUDA, usable cores).

Everything is *detected*, never assumed; each answer carries a reason that
``aligner model info`` shows. Functions take their inputs as optional
arguments (cpuinfo text, torch capability string) so tests can feed fakes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ChoiceError

DTYPES = ("auto", "bf16", "fp16", "fp32")
"""Valid values of ``Settings.dtype`` / ``ALIGNER_DTYPE`` / ``--dtype``."""

BF16_FLAGS = ("amx_bf16", "avx512_bf16")
"""CPU flags (Linux /proc/cpuinfo names) meaning native bf16 matrix maths."""

_FAST_CAPABILITIES = {"AVX512", "AVX512_BF16", "AMX", "AMX_BF16"}

ENV_CPU_FLAGS = "ALIGNER_CPU_FLAGS"
"""For tests and benchmarks only: space- or comma-separated CPU flags used instead of
``/proc/cpuinfo``'s (e.g. this CPU's flags without ``avx512_bf16`` to see what the
product picks on a VNNI-only CPU, see ``bench/throughput.py --emulate vnni``). It
changes what the product *chooses*, not what the CPU can do: pair it with
``ONEDNN_MAX_CPU_ISA`` to keep oneDNN's kernels to the same instruction set. Every
reason that rests on detected flags says when they came from here."""


def flags_override() -> frozenset[str] | None:
    """The flags set by :data:`ENV_CPU_FLAGS`, or None where it is unset or blank."""
    raw = os.environ.get(ENV_CPU_FLAGS, "")
    if not raw.strip():
        return None
    return frozenset(raw.replace(",", " ").split())


def override_note() -> str:
    """Appended to every reason resting on detected flags while :data:`ENV_CPU_FLAGS` replaces them."""
    return (f"; CPU flags taken from {ENV_CPU_FLAGS} (a test/benchmark override), not /proc/cpuinfo"
            if flags_override() is not None else "")


def cpu_flags(cpuinfo: str | None = None) -> frozenset[str]:
    """CPU feature flags from ``/proc/cpuinfo`` text (read if not given).

    Returns the flags of the first processor entry (``flags`` on x86,
    ``Features`` on ARM); an empty set where the file does not exist.
    Without ``cpuinfo``, :data:`ENV_CPU_FLAGS` (tests, benchmarks) wins
    over the file.
    """
    if cpuinfo is None:
        forced = flags_override()
        if forced is not None:
            return forced
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return frozenset()
    for line in cpuinfo.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in {"flags", "features"}:
            return frozenset(value.split())
    return frozenset()


def torch_cpu_capability() -> str:
    """ATen's CPU kernel level (``AVX512``, ``AVX2``, ``DEFAULT``...); '' if unknown."""
    try:
        import torch

        return str(torch.backends.cpu.get_cpu_capability())
    except Exception:  # old torch, or no torch
        return ""


def _mkldnn_bf16() -> bool | None:
    try:
        import torch

        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except Exception:
        return None


@dataclass(frozen=True)
class Support:
    ok: bool
    reason: str

    def __bool__(self) -> bool:
        return self.ok


def bf16_support(flags: frozenset[str] | set[str] | None = None, capability: str | None = None,
                 mkldnn_bf16: bool | None = None) -> Support:
    """Whether bf16 inference on this CPU is fast, and why.

    Needs a native bf16 instruction set (``amx_bf16`` + ``amx_tile``, or
    ``avx512_bf16``) *and* a torch build whose kernels use AVX-512 or AMX
    (``torch.backends.cpu.get_cpu_capability()``); oneDNN's own bf16 check
    is consulted where torch offers it. Without them bf16 is emulated and
    slower than fp32.
    """
    detect = flags is None and capability is None and mkldnn_bf16 is None
    note = override_note() if flags is None else ""
    flags = cpu_flags() if flags is None else frozenset(flags)
    capability = torch_cpu_capability() if capability is None else capability
    if "amx_bf16" in flags and "amx_tile" in flags:
        hw = "AMX bf16 tiles (amx_bf16, amx_tile)"
    elif "avx512_bf16" in flags:
        hw = "AVX512-BF16 (avx512_bf16)"
    else:
        return Support(False, "CPU has no native bf16 (no amx_bf16/avx512_bf16 flag)" + note)
    cap = capability.upper()
    if cap and cap not in _FAST_CAPABILITIES and not cap.startswith("AVX512"):
        return Support(False, f"CPU has {hw} but torch runs {capability} kernels{note}")
    if detect:
        mkldnn_bf16 = _mkldnn_bf16()
    if mkldnn_bf16 is False:
        return Support(False, f"CPU has {hw} but oneDNN reports no bf16 support{note}")
    return Support(True, f"CPU has {hw}" + (f", torch kernels {capability}" if capability else "") + note)


def supports_bf16(flags: frozenset[str] | set[str] | None = None, capability: str | None = None) -> bool:
    """True where bf16 inference on the CPU is native (see :func:`bf16_support`)."""
    return bf16_support(flags, capability).ok


def available_cpus() -> int:
    """Cores this process may use: affinity mask, capped by a cgroup CPU quota."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    try:  # cgroup v2 quota, e.g. "200000 100000" = 2 CPUs
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            n = min(n, max(1, int(int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    return max(1, n)


@dataclass(frozen=True)
class DeviceChoice:
    device: str
    """``cpu`` or ``cuda`` (or what the caller asked for, e.g. ``cuda:1``)."""
    dtype: str
    """``bf16``, ``fp16`` or ``fp32``: what the model computes in."""
    reason: str


def cuda_available() -> bool:
    """True where torch sees a CUDA GPU. A CPU-only torch build (version ``+cpu``) is
    recognised from its metadata, without importing torch (seconds of start-up)."""
    import sys

    if "torch" not in sys.modules:
        try:
            import importlib.metadata

            if importlib.metadata.version("torch").endswith("+cpu"):
                return False
        except Exception:
            pass
    try:
        import torch

        return bool(torch.cuda.is_available())
    except Exception:
        return False


def best_device(device: str | None = None, dtype: str = "auto", *,
                cuda: bool | None = None, cuda_bf16: bool | None = None,
                cpu_bf16: Support | None = None) -> DeviceChoice:
    """Pick device and dtype. ``dtype`` is one of :data:`DTYPES`.

    ``auto``: CUDA if available (bf16 where the GPU has it, else fp16);
    on the CPU bf16 where :func:`bf16_support` says so, else fp32.
    An explicit dtype is honoured (bf16 on a CPU without it works, slowly).
    """
    dtype = (dtype or "auto").strip().lower()
    if dtype not in DTYPES:
        raise ChoiceError("dtype", dtype, DTYPES)
    if device is None or device == "auto":
        cuda = cuda_available() if cuda is None else cuda
        device = "cuda" if cuda else "cpu"
        where = "CUDA GPU found" if cuda else "no CUDA GPU"
    else:
        where = f"device {device} requested"
    if device.startswith("cuda"):
        if dtype != "auto":
            return DeviceChoice(device, dtype, f"{where}; dtype {dtype} requested")
        if cuda_bf16 is None:
            try:
                import torch

                cuda_bf16 = bool(torch.cuda.is_bf16_supported())
            except Exception:
                cuda_bf16 = False
        if cuda_bf16:
            return DeviceChoice(device, "bf16", f"{where}; GPU supports bf16")
        return DeviceChoice(device, "fp16", f"{where}; GPU has no bf16, using fp16")
    if dtype != "auto":
        return DeviceChoice(device, dtype, f"{where}; dtype {dtype} requested")
    sup = bf16_support() if cpu_bf16 is None else cpu_bf16
    if sup.ok:
        return DeviceChoice(device, "bf16", f"{where}; {sup.reason}")
    return DeviceChoice(device, "fp32", f"{where}; {sup.reason}")


# ---------------------------------------------------------------------------
# inference backend (torch / OpenVINO / OpenVINO int8)
# ---------------------------------------------------------------------------
BACKENDS = ("auto", "torch", "openvino", "int8")
"""Valid values of ``Settings.backend`` / ``ALIGNER_BACKEND`` / ``--backend``.

``torch``: sentence-transformers in ``dtype`` (bf16 where native, else fp32).
``openvino``: the model exported to OpenVINO, computing in bf16 where the CPU
has it natively, else fp32. ``int8``: the OpenVINO model quantised to int8
(NNCF, static, calibrated on shipped text), other ops as ``openvino``.
"""


def int8_support(flags: frozenset[str] | set[str] | None = None) -> Support:
    """Which int8 instructions the CPU has (the int8 backend runs anywhere
    OpenVINO does; these decide whether it is the fastest path)."""
    flags = cpu_flags() if flags is None else frozenset(flags)
    if "amx_int8" in flags and "amx_tile" in flags:
        return Support(True, "AMX int8 tiles (amx_int8)")
    if "avx512_vnni" in flags:
        return Support(True, "AVX512-VNNI (avx512_vnni)")
    if "avx_vnni" in flags:
        return Support(True, "AVX-VNNI (avx_vnni)")
    if "avx2" in flags:
        return Support(True, "AVX2 without VNNI (int8 still beats fp32 there)")
    return Support(False, "no AVX2/VNNI/AMX int8 instructions")


@dataclass(frozen=True)
class BackendChoice:
    backend: str
    """``torch``, ``openvino`` or ``int8`` (never ``auto``)."""
    precision: str
    """What the non-int8 maths runs in: ``bf16`` / ``fp16`` / ``fp32``."""
    reason: str

    @property
    def label(self) -> str:
        """``torch-bf16``, ``openvino-fp32``, ``int8-bf16``..."""
        return f"{self.backend}-{self.precision}"


def choose_backend(requested: str = "auto", *, device: str = "cpu", dtype: str = "auto",
                   flags: frozenset[str] | set[str] | None = None, bf16: Support | None = None,
                   openvino: Support | None = None) -> BackendChoice:
    """Pick the inference backend from the CPU's flags (``requested`` = one of :data:`BACKENDS`).

    ``auto`` on a CPU: int8 (OpenVINO) wherever the CPU has int8 dot products
    (AMX, AVX512-VNNI, AVX-VNNI) or at least AVX2: on an AVX512-BF16 + VNNI
    CPU it measured faster than bf16 (torch or OpenVINO; bench/README.md), on
    AMX CPUs int8 runs on the AMX int8 tiles, on VNNI-only and AVX2 CPUs fp32
    is the only other choice. Elsewhere (no AVX2, ARM) or on a GPU: torch.
    Where OpenVINO cannot be used (``openvino`` says why) torch is used and
    the reason says so. ``dtype`` is the precision of the non-int8 maths
    (auto: bf16 where native, else fp32); ``fp16`` (a GPU dtype) means torch.
    Whether the OpenVINO model passes its accuracy guard is decided when it
    is built (:mod:`aligner.embed.openvino_build`).
    """
    requested = (requested or "auto").strip().lower()
    if requested not in BACKENDS:
        raise ChoiceError("backend", requested, BACKENDS)
    dtype = (dtype or "auto").strip().lower()
    note = override_note() if flags is None else ""
    flags = cpu_flags() if flags is None else frozenset(flags)
    if dtype in ("auto", ""):
        # flags alone (OpenVINO has its own kernels; torch's capability is checked by best_device)
        sup = bf16_support(flags, capability="", mkldnn_bf16=True) if bf16 is None else bf16
        cpu_precision = "bf16" if sup.ok else "fp32"
        prec_why = f"{cpu_precision} ({sup.reason})"
    else:
        cpu_precision, prec_why = dtype, f"{dtype} (requested)"
    on_gpu = bool(device) and device not in ("cpu", "auto")
    if requested == "torch" or (requested == "auto" and (on_gpu or dtype == "fp16")):
        why = ("torch requested" if requested == "torch" else
               f"device {device}" if on_gpu else "dtype fp16 requested (a GPU dtype)")
        return BackendChoice("torch", "", why)  # precision filled in by best_device
    if on_gpu or dtype == "fp16":
        raise ChoiceError(f"backend for {'device ' + device if on_gpu else 'dtype fp16'}", requested,
                          ("auto", "torch"))
    ov = openvino if openvino is not None else openvino_support()
    if requested in ("openvino", "int8"):
        if not ov.ok:
            return BackendChoice("torch", "", f"{requested} requested but {ov.reason}; using torch")
        return BackendChoice(requested, cpu_precision, f"{requested} requested; other ops in {prec_why}{note}")
    i8 = int8_support(flags)
    if not i8.ok:
        return BackendChoice("torch", "", f"CPU has {i8.reason}: torch{note}")
    if not ov.ok:
        return BackendChoice("torch", "", f"CPU has {i8.reason} but {ov.reason}: torch{note}")
    return BackendChoice("int8", cpu_precision,
                         f"CPU has {i8.reason}: int8 (OpenVINO), other ops in {prec_why}{note}")


def openvino_support() -> Support:
    """Whether the ``openvino`` and ``nncf`` packages can be imported (without importing them)."""
    import importlib.util

    missing = [m for m in ("openvino", "nncf") if importlib.util.find_spec(m) is None]
    if missing:
        return Support(False, f"package {' and '.join(missing)} is not installed "
                              "(pip install 'openvino' 'nncf', see pyproject.toml)")
    return Support(True, "openvino and nncf installed")
