"""Clustering: the real variant cases merge, the look-alikes do not."""

from __future__ import annotations

import pytest

from aligner.names import (
    ConstraintConflict,
    ReviewConstraints,
    cluster_forms,
    cluster_mentions,
    constraints_from_json,
    constraints_to_json,
    extract_corpus,
    quote_links,
)
from aligner.records import NameCluster, NameMention, NameVariant, Quote


def M(form, doc="d", typ="person", lang="en", start=0, role=None):
    return NameMention(doc=doc, lang=lang, form=form, start=start, end=start + len(form), type=typ, role=role)


def groups(clusters):
    return [sorted({v.form for v in c.variants}) for c in clusters]


def together(clusters, *forms):
    return any(set(forms) <= {v.form for v in c.variants} for c in clusters)


@pytest.mark.parametrize("forms", [
    ("Basmah Qadamani", "Bassma Kodmani", "بسمة قضماني"),
    ("Rami Abdulrahman", "Rami Abdel Rahman", "رامي عبد الرحمن"),
    ("Staffan Di Mistura", "Staffan de Mistura", "Staffan De Mistura"),
    ("Sergey Lavrov", "Sergei Lavrov", "Sergueï Lavrov", "سيرغي لافروف"),
    ("Wael al Halqi", "Wael Nader al-Halqi", "Wael al-Halqi", "وائل الحلقي"),
])
def test_person_variants_merge(forms):
    ms = [M(f, doc=f"d{i}", lang="ar" if f[0] > "\u0600" else "en", start=10 * i) for i, f in enumerate(forms)]
    cs = cluster_mentions(ms)
    assert together(cs, *forms), groups(cs)


def test_organisation_variants_merge():
    forms = ["Jabhat Fatah al-Sham", "Jubhat Fatah al-Sham", "Front Fatah al-Cham", "جبهة فتح الشام"]
    cs = cluster_mentions([M(f, doc=f"d{i}", typ="organization") for i, f in enumerate(forms)])
    assert together(cs, *forms), groups(cs)


@pytest.mark.parametrize("a, b, typ", [
    ("Rami Abdulrahman", "Abu Ali Abdel-Wahab", "person"),
    ("Ali Akbar Velayati", "Ali Ayyoub", "person"),
    ("Jaish al-Fatah", "Jabhat Fatah al-Sham", "organization"),
    ("Jaysh al-Nasr", "Nusra Front", "organization"),
    ("Syrian Observatory for Human Rights", "Syrian Network for Human Rights", "organization"),
    ("Free Syrian Army", "Syrian Army", "organization"),
    ("Monzer Makhous", "Monzer al-Khalil", "person"),
])
def test_look_alikes_stay_apart(a, b, typ):
    cs = cluster_mentions([M(a, doc="d1", typ=typ), M(b, doc="d2", typ=typ)])
    assert not together(cs, a, b)


def test_single_words_attach_in_their_document_only_when_unambiguous():
    ms = [
        M("Sergei Lavrov", doc="a", start=0), M("Lavrov", doc="a", start=50),
        M("Rami Abdel Rahman", doc="b", start=0), M("Rami", doc="b", start=40),
        M("Abu Ali Abdel-Wahab", doc="b", start=80), M("Abdel-Wahab", doc="b", start=120),
        M("Lavrov", doc="c", start=5),  # no full name in c: the only Lavrov in the corpus
    ]
    cs = cluster_mentions(ms)
    assert together(cs, "Sergei Lavrov", "Lavrov")
    assert together(cs, "Rami Abdel Rahman", "Rami")
    assert together(cs, "Abu Ali Abdel-Wahab", "Abdel-Wahab")
    assert not together(cs, "Rami Abdel Rahman", "Abdel-Wahab")
    lav = next(c for c in cs if c.canonical == "Sergei Lavrov")
    assert sum(v.count for v in lav.variants if v.form == "Lavrov") == 2


def test_ambiguous_single_word_across_documents_stays_alone():
    ms = [M("Bashar al-Assad", doc="a"), M("Hafez al-Assad", doc="b"), M("Assad", doc="c")]
    cs = cluster_mentions(ms)
    assert not together(cs, "Bashar al-Assad", "Assad") and not together(cs, "Hafez al-Assad", "Assad")


def test_nearest_preceding_full_name_wins_inside_a_document():
    ms = [M("Bashar al-Assad", doc="a", start=0), M("Hafez al-Assad", doc="a", start=100),
          M("Assad", doc="a", start=150)]
    cs = cluster_mentions(ms)
    assert together(cs, "Hafez al-Assad", "Assad")


def test_types_never_merge():
    cs = cluster_mentions([M("Aleppo", typ="place"), M("Aleppo", typ="person", doc="x")])
    assert len(cs) == 2


def test_same_role_rescues_a_borderline_spelling():
    a, b = "Salim al-Muslat", "Salem al-Meslet"
    plain = cluster_mentions([M(a, doc="d1"), M(b, doc="d2")])
    assert not together(plain, a, b)
    roled = cluster_mentions([M(a, doc="d1", role="High Negotiations Committee spokesman"),
                              M(b, doc="d2", role="spokesman of the High Negotiations Committee")])
    assert together(roled, a, b)


def test_quote_links_rescue_a_borderline_spelling():
    a, b = M("Salim al-Muslat", doc="d1"), M("Salem al-Meslet", doc="d2")
    assert together(cluster_mentions([a, b], quote_links=[(a, b)]), a.form, b.form)


def test_quote_links_from_aligned_quotes():
    ma, mb = M("Salim al-Muslat", doc="en", start=0), M("سالم المسلط", doc="ar", start=0, lang="ar")
    qa = Quote(doc="en", lang="en", text="x", sentence="x", start=30, end=31, sentence_start=0, sentence_end=40,
               speaker="Salim al-Muslat")
    qb = Quote(doc="ar", lang="ar", text="y", sentence="y", start=20, end=21, sentence_start=0, sentence_end=40,
               speaker="سالم المسلط")
    assert quote_links([(qa, qb)], [ma, mb]) == [(ma, mb)]


def test_constraints_must_cannot_canonical_and_type():
    ms = [M("Bassma Kodmani", doc="a"), M("Basmah Qadamani", doc="b"), M("B. K.", doc="c"),
          M("Ali Ayyoub", doc="d")]
    rc = ReviewConstraints(must_link=(("B. K.", "Bassma Kodmani"),),
                           cannot_link=(("Basmah Qadamani", "Bassma Kodmani"),),
                           canonical=(("Bassma Kodmani", "Bassma KODMANI"),), types=(("Ali Ayyoub", "other"),))
    cs = cluster_mentions(ms, constraints=rc)
    assert together(cs, "Bassma Kodmani", "B. K.")
    assert not together(cs, "Bassma Kodmani", "Basmah Qadamani")
    k = next(c for c in cs if any(v.form == "B. K." for v in c.variants))
    assert k.canonical == "Bassma KODMANI" and k.reviewed
    assert next(c for c in cs if c.canonical == "Ali Ayyoub").type == "other"


def test_conflicting_constraints_are_reported():
    ms = [M("A Bc", doc="a"), M("Xy Zz", doc="b")]
    rc = ReviewConstraints(must_link=(("A Bc", "Xy Zz"),), cannot_link=(("Xy Zz", "A Bc"),))
    with pytest.raises(ConstraintConflict):
        cluster_mentions(ms, constraints=rc)


def test_constraints_json_round_trip_and_validation():
    rc = ReviewConstraints(must_link=(("a", "b"),), cannot_link=(("c", "d"),), canonical=(("a", "A"),),
                           types=(("c", "place"),))
    assert constraints_from_json(constraints_to_json(rc)) == rc
    from aligner.errors import AlignerError
    with pytest.raises(AlignerError):
        constraints_from_json({"must_link": [["only one"]]})
    with pytest.raises(AlignerError):
        constraints_from_json({"types": [["x", "animal"]]})


def test_reviewed_dictionary_takes_precedence():
    reviewed = [NameCluster("Sergueï Lavrov", "person", (NameVariant("Sergey Lavrov", "en", "Latn", 1),
                                                         NameVariant("Lavrof", "en", "Latn", 0)), id="rev-1"),
                NameCluster("Basmah Qadamani", "person", (NameVariant("Basmah Qadamani", "en", "Latn", 1),),
                            id="rev-2")]
    ms = [M("Sergey Lavrov", doc="a"), M("Sergei Lavrov", doc="b"), M("Bassma Kodmani", doc="c")]
    cs = cluster_mentions(ms, dictionary=reviewed)
    lav = next(c for c in cs if c.id == "rev-1")
    assert lav.canonical == "Sergueï Lavrov" and lav.reviewed
    assert {v.form for v in lav.variants} >= {"Sergey Lavrov", "Sergei Lavrov", "Lavrof"}  # unseen kept, count 0
    assert next(v for v in lav.variants if v.form == "Lavrof").count == 0
    kod = next(c for c in cs if c.id == "rev-2")
    assert {v.form for v in kod.variants} == {"Basmah Qadamani", "Bassma Kodmani"}


def test_output_is_deterministic_and_canonical_is_most_frequent_full_english_form(doc):
    texts = ["Prime Minister Wael al-Halqi spoke. Wael al-Halqi said it again.",
             "Syrian Prime Minister Wael Nader al-Halqi met them.",
             "قال رئيس الوزراء وائل الحلقي إن الحكومة مستمرة."]
    docs = [doc(f"{i}.txt", t, "ar" if i == 2 else "en") for i, t in enumerate(texts)]
    ms = extract_corpus(docs)
    a = cluster_mentions(ms)
    b = cluster_mentions(list(reversed(ms)))
    assert [c.to_json() for c in a] == [c.to_json() for c in b]
    halqi = next(c for c in a if any(v.form == "وائل الحلقي" for v in c.variants))
    assert halqi.canonical == "Wael al-Halqi"
    assert {v.script for v in halqi.variants} == {"Latn", "Arab"}


def test_cluster_forms_groups_bare_spellings():
    gs = cluster_forms(["Mohamed", "Muhammad", "Mohammed", "Hassan", "Hussein"])
    assert ["Mohamed", "Mohammed", "Muhammad"] in gs
    assert not any({"Hassan", "Hussein"} <= set(g) for g in gs)


def test_empty_input():
    assert cluster_mentions([]) == []
    assert cluster_forms([]) == []


def test_mixed_scripts_diacritics_and_zero_width_give_a_clean_result():
    ms = [M("Wael al-Halqi", doc="a"), M("W\u200bael al-Hal\u200cqi", doc="b"), M("Wâël al-Hálqi", doc="c"),
          M("Wael الحلقي", doc="d"), M("\u200b", doc="e"), M("وائل الحلقـــي", doc="f", lang="ar")]
    cs = cluster_mentions(ms)
    forms = {v.form for c in cs for v in c.variants}
    assert not any("\u200b" in f or "\u200c" in f or "ـ" in f for f in forms)
    assert "" not in forms
    assert together(cs, "Wael al-Halqi", "Wâël al-Hálqi", "وائل الحلقي")
    assert sum(v.count for c in cs for v in c.variants) == 5  # the empty form is dropped


def test_mentions_by_cluster_maps_every_clustered_mention():
    from aligner.names import mentions_by_cluster
    ms = [M("Sergei Lavrov", doc="a"), M("Lavrov", doc="a", start=40), M("Aleppo", doc="a", typ="place", start=60)]
    cs = cluster_mentions(ms)
    by = mentions_by_cluster(cs, ms)
    lav = next(c for c in cs if c.canonical == "Sergei Lavrov")
    assert [m.form for m in by[lav.id]] == ["Sergei Lavrov", "Lavrov"]
    assert sum(len(v) for v in by.values()) == 3
