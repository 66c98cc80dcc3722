"""UI catalogues: the .pot matches the source, fr/ar translate everything, no fuzzy entries."""

from __future__ import annotations

import re
import string

import polib
import pytest

from workbench import i18n

pytestmark = pytest.mark.gui

LANGS = ("fr", "ar")


def _fields(text: str) -> set[str]:
    return {f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None}


def test_pot_is_up_to_date_with_the_source():
    extracted = set(i18n.extract_messages())
    assert extracted, "the extractor found no tr() calls"
    pot = {e.msgid for e in polib.pofile(str(i18n.POT_PATH))}
    assert pot == extracted, (
        f"run `python -m workbench.i18n update`; missing from .pot: {sorted(extracted - pot)}, "
        f"stale in .pot: {sorted(pot - extracted)}")


def test_every_tr_call_is_extractable():
    assert i18n.non_literal_calls() == []


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_translates_every_msgid(lang):
    po = polib.pofile(str(i18n.I18N_DIR / f"{lang}.po"))
    entries = {e.msgid: e for e in po if not e.obsolete}
    msgids = set(i18n.extract_messages())
    missing = sorted(m for m in msgids if m not in entries
                     or not (entries[m].msgstr or all((entries[m].msgstr_plural or {"": ""}).values())))
    assert not missing, f"{lang}.po lacks translations for {missing}"
    fuzzy = sorted(e.msgid for e in po if "fuzzy" in e.flags)
    assert not fuzzy, f"{lang}.po has fuzzy entries {fuzzy}"
    assert po.metadata.get("Language") == lang


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_placeholders_and_accelerators(lang):
    for e in polib.pofile(str(i18n.I18N_DIR / f"{lang}.po")):
        for form in (e.msgstr_plural or {}).values():  # plural forms: no new placeholder, path kept
            assert _fields(form) <= _fields(e.msgid_plural), (lang, e.msgid, form)
            assert _fields(form) >= _fields(e.msgid_plural) - {"n"}, (lang, e.msgid, form)
        if not e.msgstr:
            continue
        assert _fields(e.msgstr) == _fields(e.msgid), (lang, e.msgid, e.msgstr)
        assert ("&" in e.msgid) == ("&" in e.msgstr), (lang, e.msgid, e.msgstr)
        # the string formats without error
        e.msgstr.format(**{f.split(":")[0]: 1.0 for f in _fields(e.msgid)})


def test_arabic_catalogue_is_in_arabic():
    cat = i18n.load_catalog("ar")
    arabic = re.compile(r"[\u0600-\u06FF]")
    words = [v for k, v in cat.items() if re.search(r"[A-Za-z]{3}", k) and not k.startswith("(")]
    share = sum(bool(arabic.search(v)) for v in words) / len(words)
    assert share > 0.9


def test_tr_uses_the_current_language():
    assert i18n.tr("Confirm") == "Confirm"
    i18n.set_language("fr")
    assert i18n.tr("Confirm") == "Confirmer"
    assert i18n.tr("a string nobody translated") == "a string nobody translated"
    i18n.set_language("ar")
    assert i18n.is_rtl()
    assert i18n.tr("Confirm") != "Confirm"
    i18n.set_language("xx")  # unsupported: English
    assert i18n.current_language() == "en" and not i18n.is_rtl()


@pytest.mark.parametrize("option,setting,expected", [
    ("ar", "fr", "ar"), (None, "fr_FR", "fr"), ("de", "ar", "ar"), (None, "", None)])
def test_language_resolution(option, setting, expected, monkeypatch):
    monkeypatch.setattr(i18n, "system_language", lambda: "en")
    assert i18n.resolve_language(option, setting) == (expected or "en")


def test_system_language_follows_qlocale():
    from PySide6.QtCore import QLocale

    old = QLocale()
    try:
        QLocale.setDefault(QLocale(QLocale.French, QLocale.France))
        # QLocale.system() is the OS locale, not the default: it is one of ours or English
        assert i18n.system_language() in i18n.SUPPORTED
    finally:
        QLocale.setDefault(old)


def test_merge_adds_new_and_drops_vanished_msgids():
    pot = i18n.build_pot({"New string": [("workbench/x.py", 1)], "Kept": [("workbench/y.py", 2)]})
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Kept", msgstr="Gardé"))
    po.append(polib.POEntry(msgid="Gone", msgstr="Parti"))
    added, removed = i18n.merge_catalog(po, pot)
    assert (added, removed) == (1, 1)
    assert po.find("Kept").msgstr == "Gardé"
    assert po.find("New string").msgstr == "" and po.find("Gone") is None


def test_extractor_reads_literals_only(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "a.py").write_text(
        'from x import tr, N_\nA = N_("Marked")\nb = tr("Shown {n}")\nc = tr(A)\nd = tr(f"bad {b}")\n',
        encoding="utf-8")
    found = i18n.extract_messages(pkg)
    assert set(found) == {"Marked", "Shown {n}"}
    assert found["Marked"] == [("pkg/a.py", 2)]
    assert i18n.non_literal_calls(pkg) == [("pkg/a.py", 5)]
