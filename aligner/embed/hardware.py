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


def cpu_flags(cpuinfo: str | None = None) -> frozenset[str]:
    """CPU feature flags from ``/proc/cpuinfo`` text (read if not given).

    Returns the flags of the first processor entry (``flags`` on x86,
    ``Features`` on ARM); an empty set where the file does not exist.
    """
    if cpuinfo is None:
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
    flags = cpu_flags() if flags is None else frozenset(flags)
    capability = torch_cpu_capability() if capability is None else capability
    if "amx_bf16" in flags and "amx_tile" in flags:
        hw = "AMX bf16 tiles (amx_bf16, amx_tile)"
    elif "avx512_bf16" in flags:
        hw = "AVX512-BF16 (avx512_bf16)"
    else:
        return Support(False, "CPU has no native bf16 (no amx_bf16/avx512_bf16 flag)")
    cap = capability.upper()
    if cap and cap not in _FAST_CAPABILITIES and not cap.startswith("AVX512"):
        return Support(False, f"CPU has {hw} but torch runs {capability} kernels")
    if detect:
        mkldnn_bf16 = _mkldnn_bf16()
    if mkldnn_bf16 is False:
        return Support(False, f"CPU has {hw} but oneDNN reports no bf16 support")
    return Support(True, f"CPU has {hw}" + (f", torch kernels {capability}" if capability else ""))


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
