"""The kinds of CPU the product meets, as ALIGNER_CPU_FLAGS values, with what ``auto`` must pick.

name -> (flags, backend, precision of the non-int8 ops, parts of the reason).
Used by tests/embed/test_hardware.py and tests/cli/test_model_cmd.py.
"""

CPU_KINDS = {  # name -> (flags, backend, precision, reason parts)
    "amx": ("fpu sse2 avx avx2 avx512f avx512bw avx512_vnni avx512_bf16 amx_bf16 amx_tile amx_int8",
            "int8", "bf16", ["CPU has AMX int8 tiles (amx_int8): int8 (OpenVINO)",
                             "other ops in bf16 (CPU has AMX bf16 tiles (amx_bf16, amx_tile))"]),
    "avx512-bf16": ("fpu sse2 avx avx2 avx512f avx512bw avx512_bf16 avx512_vnni",
                    "int8", "bf16", ["CPU has AVX512-VNNI (avx512_vnni): int8 (OpenVINO)",
                                     "other ops in bf16 (CPU has AVX512-BF16 (avx512_bf16))"]),
    "vnni-only": ("fpu sse2 avx avx2 avx512f avx512bw avx512_vnni",
                  "int8", "fp32", ["CPU has AVX512-VNNI (avx512_vnni): int8 (OpenVINO)",
                                   "other ops in fp32 (CPU has no native bf16 (no amx_bf16/avx512_bf16 flag))"]),
    "avx2": ("fpu sse2 avx avx2 fma",
             "int8", "fp32", ["CPU has AVX2 without VNNI", ": int8 (OpenVINO)",
                              "other ops in fp32 (CPU has no native bf16 (no amx_bf16/avx512_bf16 flag))"]),
}
