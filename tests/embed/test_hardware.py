"""CPU / device detection, fed with fake cpuinfo text."""

from __future__ import annotations

import pytest

from aligner.embed import hardware as hw
from aligner.errors import ChoiceError

SAPPHIRE_RAPIDS = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: fpu vme sse sse2 avx avx2 avx512f avx512bw avx512_bf16 amx_bf16 amx_tile amx_int8

processor\t: 1
flags\t\t: fpu vme sse sse2 avx avx2 avx512f avx512bw avx512_bf16 amx_bf16 amx_tile amx_int8
"""
ZEN4 = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni\n"
SKYLAKE = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 avx512f avx512bw avx512vl\n"
ARM = "processor\t: 0\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 bf16\n"


def test_cpu_flags_parses_first_processor():
    flags = hw.cpu_flags(SAPPHIRE_RAPIDS)
    assert {"amx_bf16", "amx_tile", "avx512_bf16"} <= flags
    assert "vendor_id" not in flags
    assert hw.cpu_flags("") == frozenset()
    assert "asimd" in hw.cpu_flags(ARM)


@pytest.mark.parametrize("text,capability,expected,reason_part", [
    (SAPPHIRE_RAPIDS, "AVX512", True, "AMX"),
    (ZEN4, "AVX512", True, "avx512_bf16"),
    (SKYLAKE, "AVX512", False, "no native bf16"),
    (ARM, "DEFAULT", False, "no native bf16"),
    (ZEN4, "AVX2", False, "AVX2 kernels"),  # e.g. ATEN_CPU_CAPABILITY=avx2
])
def test_bf16_support_needs_flags_and_kernels(text, capability, expected, reason_part):
    sup = hw.bf16_support(hw.cpu_flags(text), capability)
    assert sup.ok is expected
    assert reason_part in sup.reason
    assert hw.supports_bf16(hw.cpu_flags(text), capability) is expected


def test_amx_bf16_without_tile_is_not_enough():
    assert not hw.supports_bf16({"amx_bf16", "avx512f"}, "AVX512")


def test_best_device_auto():
    amx = hw.bf16_support(hw.cpu_flags(SAPPHIRE_RAPIDS), "AVX512")
    old = hw.bf16_support(hw.cpu_flags(SKYLAKE), "AVX512")
    assert hw.best_device(cuda=False, cpu_bf16=amx).dtype == "bf16"
    choice = hw.best_device(cuda=False, cpu_bf16=old)
    assert (choice.device, choice.dtype) == ("cpu", "fp32")
    assert "no native bf16" in choice.reason
    gpu = hw.best_device(cuda=True, cuda_bf16=True)
    assert (gpu.device, gpu.dtype) == ("cuda", "bf16")
    assert hw.best_device(cuda=True, cuda_bf16=False).dtype == "fp16"


def test_best_device_explicit_overrides():
    old = hw.bf16_support(hw.cpu_flags(SKYLAKE), "AVX512")
    assert hw.best_device(dtype="bf16", cuda=False, cpu_bf16=old).dtype == "bf16"
    assert hw.best_device(dtype="FP32", cuda=True, cuda_bf16=True).dtype == "fp32"
    assert hw.best_device("cpu", cuda=True, cpu_bf16=old).device == "cpu"
    with pytest.raises(ChoiceError, match="auto, bf16, fp16, fp32"):
        hw.best_device(dtype="int8")


def test_available_cpus_is_positive_and_bounded():
    import os

    n = hw.available_cpus()
    assert 1 <= n <= (os.cpu_count() or n)


def test_detection_on_this_machine_is_consistent():
    """Whatever this CPU is, the answer follows its real flags."""
    flags = hw.cpu_flags()
    sup = hw.bf16_support()
    if not ({"avx512_bf16"} <= flags or {"amx_bf16", "amx_tile"} <= flags):
        assert not sup.ok
    assert sup.reason


# --------------------------------------------------------------------------
# backend choice (torch / openvino / int8)
# --------------------------------------------------------------------------
VNNI_ONLY = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 avx512f avx512bw avx512_vnni\n"
OV_OK = hw.Support(True, "installed")
OV_MISSING = hw.Support(False, "package openvino is not installed")


@pytest.mark.parametrize("text,capability,backend,precision,reason_part", [
    (SAPPHIRE_RAPIDS, "AVX512", "int8", "bf16", "AMX int8"),
    (ZEN4, "AVX512", "int8", "bf16", "avx512_vnni"),
    (VNNI_ONLY, "AVX512", "int8", "fp32", "avx512_vnni"),
    (SKYLAKE, "AVX512", "int8", "fp32", "AVX2 without VNNI"),
    (ARM, "DEFAULT", "torch", "", "no AVX2/VNNI/AMX"),
])
def test_auto_backend_follows_cpu_flags(text, capability, backend, precision, reason_part):
    flags = hw.cpu_flags(text)
    choice = hw.choose_backend("auto", flags=flags, bf16=hw.bf16_support(flags, capability, True), openvino=OV_OK)
    assert (choice.backend, choice.precision) == (backend, precision)
    assert reason_part in choice.reason


def test_backend_falls_back_to_torch_without_openvino_and_says_why():
    flags = hw.cpu_flags(ZEN4)
    for requested in ("auto", "int8", "openvino"):
        choice = hw.choose_backend(requested, flags=flags, bf16=hw.Support(True, "x"), openvino=OV_MISSING)
        assert choice.backend == "torch" and "openvino is not installed" in choice.reason


def test_backend_overrides_and_errors():
    flags = hw.cpu_flags(VNNI_ONLY)
    no_bf16 = hw.bf16_support(flags, "AVX512")
    assert hw.choose_backend("torch", flags=flags, bf16=no_bf16, openvino=OV_OK).backend == "torch"
    ov = hw.choose_backend("OpenVINO", flags=flags, bf16=no_bf16, openvino=OV_OK)
    assert (ov.backend, ov.precision, ov.label) == ("openvino", "fp32", "openvino-fp32")
    forced = hw.choose_backend("int8", dtype="bf16", flags=flags, bf16=no_bf16, openvino=OV_OK)
    assert (forced.backend, forced.precision) == ("int8", "bf16") and "requested" in forced.reason
    assert hw.choose_backend("auto", device="cuda", flags=flags, openvino=OV_OK).backend == "torch"
    assert hw.choose_backend("auto", dtype="fp16", flags=flags, bf16=no_bf16, openvino=OV_OK).backend == "torch"
    with pytest.raises(ChoiceError, match="auto, torch, openvino, int8"):
        hw.choose_backend("onnx", flags=flags, openvino=OV_OK)
    with pytest.raises(ChoiceError, match="auto, torch"):
        hw.choose_backend("int8", device="cuda", flags=flags, openvino=OV_OK)


# --------------------------------------------------------------------------
# ALIGNER_CPU_FLAGS: what the product picks on each kind of CPU, emulated
# --------------------------------------------------------------------------
from cpu_kinds import CPU_KINDS  # noqa: E402  (shared with tests/cli/test_model_cmd.py)


@pytest.mark.parametrize("kind", sorted(CPU_KINDS))
def test_flags_override_gives_each_kind_its_backend_and_reason(monkeypatch, kind):
    flags, backend, precision, parts = CPU_KINDS[kind]
    monkeypatch.setenv(hw.ENV_CPU_FLAGS, flags)
    assert hw.cpu_flags() == frozenset(flags.split())
    choice = hw.choose_backend("auto", openvino=OV_OK)  # flags and bf16 detected, i.e. from the override
    assert (choice.backend, choice.precision) == (backend, precision)
    for part in parts:
        assert part in choice.reason, (part, choice.reason)
    assert choice.reason.endswith(f"CPU flags taken from {hw.ENV_CPU_FLAGS} (a test/benchmark override), "
                                  "not /proc/cpuinfo")
    sup = hw.bf16_support()  # what the torch path decides from the same flags
    assert sup.ok is (precision == "bf16") or "oneDNN reports no bf16" in sup.reason
    assert hw.ENV_CPU_FLAGS in sup.reason


def test_flags_override_unset_or_blank_reads_the_real_cpu(monkeypatch):
    monkeypatch.delenv(hw.ENV_CPU_FLAGS, raising=False)
    real = hw.cpu_flags()
    assert hw.flags_override() is None and hw.override_note() == ""
    monkeypatch.setenv(hw.ENV_CPU_FLAGS, "  ")
    assert hw.cpu_flags() == real and hw.flags_override() is None
    assert hw.ENV_CPU_FLAGS not in hw.choose_backend("auto", openvino=OV_OK).reason
    monkeypatch.setenv(hw.ENV_CPU_FLAGS, "avx2,fma avx512_vnni")
    assert hw.cpu_flags() == {"avx2", "fma", "avx512_vnni"}
    assert hw.cpu_flags(ZEN4) == hw.cpu_flags(ZEN4)  # explicit text is never overridden
    assert "avx512_bf16" in hw.cpu_flags(ZEN4)
