"""The app from an installed wheel, not from the checkout: the UI catalogues travel with it (issue 11)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """``pip wheel .`` then ``pip install --no-deps --target`` into a throwaway folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                            "-q", "-w", str(tmp / "dist")], capture_output=True, text=True, cwd=tmp)
    if build.returncode != 0 and "No module named" in build.stderr:
        pytest.skip(f"cannot build a wheel here: {build.stderr[-300:]}")
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next((tmp / "dist").glob("alignment_workbench-*.whl"))
    site = tmp / "site"
    inst = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                           "--target", str(site), str(wheel)], capture_output=True, text=True, cwd=tmp)
    assert inst.returncode == 0, inst.stderr[-2000:]
    return wheel, site, tmp


def test_the_wheel_carries_the_ui_catalogues(installed):
    wheel, _site, _tmp = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"workbench/locale/fr.po", "workbench/locale/ar.po", "workbench/locale/workbench.pot"} <= names


def test_workbench_lang_fr_works_from_the_installed_wheel(installed, project_path):
    _wheel, site, tmp = installed
    env = dict(os.environ, PYTHONPATH=str(site), QT_QPA_PLATFORM="offscreen", WORKBENCH_SKIP_MODEL_CHECK="1",
               XDG_CONFIG_HOME=str(tmp / "config"), QT_LOGGING_RULES="qt.qpa.*=false")
    env.pop("WORKBENCH_I18N_DIR", None)
    probe = ("import workbench, workbench.i18n as i; "
             "i.set_language('fr'); print(workbench.__file__); print(i.tr('Confirm')); "
             "print(i.ngettext('Exported {n} confirmed pair to {path}', 'Exported {n} confirmed pairs to {path}', 2))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp)
    assert out.returncode == 0, out.stderr[-2000:]
    where, confirm, plural = out.stdout.splitlines()
    assert where.startswith(str(site))  # the installed copy, not the checkout
    assert confirm == "Confirmer" and plural.startswith("{n} paires confirmées")
    shot = tmp / "fr.png"
    run = subprocess.run([sys.executable, "-m", "workbench", str(project_path), "--lang", "fr",
                          "--screenshot", str(shot), "--size", "1000x700"],
                         capture_output=True, text=True, env=env, cwd=tmp, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.stat().st_size > 10_000
