"""News outlets and the language they publish in.

The aligner uses an outlet as evidence of the language a quote was first
given in ("told Asharq Al-Awsat" -> probably Arabic). Extend :data:`OUTLETS`
with one line per outlet: the display name, its language (None when it is
none of en/fr/ar or unknown) and the spellings seen in text (any script).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Outlet:
    name: str
    lang: str | None
    aliases: tuple[str, ...] = ()


OUTLETS: tuple[Outlet, ...] = (
    # --- Arabic-language outlets
    Outlet("Asharq Al-Awsat", "ar", ("Asharq Al-Awsat", "Asharq Alawsat", "Al-Sharq Al-Awsat",
                                     "Sharq al-Awsat", "الشرق الأوسط", "الشرق الاوسط")),
    Outlet("Al Jazeera", "ar", ("Al Jazeera", "Al-Jazeera", "Aljazeera", "Al Jazira", "الجزيرة")),
    Outlet("Al Arabiya", "ar", ("Al Arabiya", "Al-Arabiya", "Alarabiya", "العربية")),
    Outlet("SANA", "ar", ("SANA", "Syrian Arab News Agency", "سانا", "الوكالة العربية السورية للأنباء")),
    Outlet("Al-Watan", "ar", ("Al-Watan", "Al Watan", "الوطن")),
    Outlet("Al-Hayat", "ar", ("Al-Hayat", "Al Hayat", "الحياة")),
    Outlet("Al Mayadeen", "ar", ("Al Mayadeen", "Al-Mayadeen", "الميادين")),
    Outlet("Al-Manar", "ar", ("Al-Manar", "Al Manar", "المنار")),
    Outlet("Al-Ahram", "ar", ("Al-Ahram", "Al Ahram", "الأهرام")),
    Outlet("Al-Akhbar", "ar", ("Al-Akhbar", "Al Akhbar", "الأخبار")),
    Outlet("Al-Quds Al-Arabi", "ar", ("Al-Quds Al-Arabi", "Al Quds Al Arabi", "القدس العربي")),
    Outlet("An-Nahar", "ar", ("An-Nahar", "Annahar", "Al-Nahar", "النهار")),
    Outlet("Okaz", "ar", ("Okaz", "عكاظ")),
    Outlet("Al Riyadh", "ar", ("Al Riyadh", "Al-Riyadh", "جريدة الرياض")),
    Outlet("Sky News Arabia", "ar", ("Sky News Arabia", "سكاي نيوز عربية")),
    Outlet("BBC Arabic", "ar", ("BBC Arabic", "بي بي سي عربي")),
    Outlet("Orient News", "ar", ("Orient News", "أورينت")),
    Outlet("Enab Baladi", "ar", ("Enab Baladi", "عنب بلدي")),
    # --- French-language outlets
    Outlet("AFP", "fr", ("AFP", "Agence France-Presse", "Agence France Presse", "فرانس برس",
                         "فرانس پرس", "وكالة الصحافة الفرنسية", "الصحافة الفرنسية")),
    Outlet("Journal du Dimanche", "fr", ("Journal du Dimanche", "Le Journal du Dimanche", "JDD", "Le JDD")),
    Outlet("Le Monde", "fr", ("Le Monde", "لوموند")),
    Outlet("Le Figaro", "fr", ("Le Figaro", "Figaro", "لوفيغارو")),
    Outlet("Libération", "fr", ("Libération", "Liberation")),
    Outlet("Le Parisien", "fr", ("Le Parisien",)),
    Outlet("France 24", "fr", ("France 24", "France24", "فرانس 24")),
    Outlet("RFI", "fr", ("RFI", "Radio France Internationale")),
    Outlet("France Inter", "fr", ("France Inter",)),
    Outlet("franceinfo", "fr", ("franceinfo", "France Info")),
    Outlet("Europe 1", "fr", ("Europe 1",)),
    Outlet("RTL", "fr", ("RTL",)),
    Outlet("BFMTV", "fr", ("BFMTV", "BFM TV")),
    Outlet("TF1", "fr", ("TF1",)),
    Outlet("France 2", "fr", ("France 2",)),
    Outlet("LCI", "fr", ("LCI",)),
    Outlet("L'Express", "fr", ("L'Express", "L’Express")),
    Outlet("Le Point", "fr", ("Le Point",)),
    Outlet("L'Obs", "fr", ("L'Obs", "L’Obs", "Le Nouvel Observateur")),
    Outlet("Les Echos", "fr", ("Les Echos", "Les Échos")),
    Outlet("Ouest-France", "fr", ("Ouest-France", "Ouest France")),
    Outlet("La Croix", "fr", ("La Croix",)),
    Outlet("Jeune Afrique", "fr", ("Jeune Afrique",)),
    Outlet("TV5Monde", "fr", ("TV5Monde", "TV5 Monde")),
    # --- English-language outlets
    Outlet("Reuters", "en", ("Reuters", "رويترز")),
    Outlet("AP", "en", ("AP", "Associated Press", "أسوشيتد برس")),
    Outlet("BBC", "en", ("BBC", "BBC News")),
    Outlet("CNN", "en", ("CNN", "سي إن إن")),
    Outlet("The New York Times", "en", ("The New York Times", "New York Times", "NYT", "نيويورك تايمز")),
    Outlet("The Washington Post", "en", ("The Washington Post", "Washington Post", "واشنطن بوست")),
    Outlet("The Guardian", "en", ("The Guardian", "Guardian", "الغارديان")),
    Outlet("Financial Times", "en", ("Financial Times", "FT", "فايننشال تايمز")),
    Outlet("The Wall Street Journal", "en", ("The Wall Street Journal", "Wall Street Journal", "WSJ")),
    Outlet("Bloomberg", "en", ("Bloomberg", "بلومبرغ")),
    Outlet("Sky News", "en", ("Sky News",)),
    Outlet("Al Jazeera English", "en", ("Al Jazeera English",)),
    Outlet("The Times", "en", ("The Times",)),
    Outlet("The Independent", "en", ("The Independent",)),
    Outlet("The Telegraph", "en", ("The Telegraph", "Daily Telegraph")),
    Outlet("NPR", "en", ("NPR",)),
    Outlet("Fox News", "en", ("Fox News",)),
    Outlet("CBS", "en", ("CBS", "CBS News")),
    Outlet("NBC", "en", ("NBC", "NBC News")),
    Outlet("TRT World", "en", ("TRT World", "TRTWorld")),
)

# words that make an unknown proper name look like a news outlet
MEDIA_WORDS = frozenset({
    "tv", "television", "radio", "news", "times", "post", "press", "agency", "journal", "daily",
    "gazette", "channel", "network", "magazine", "tribune", "herald", "observer", "telegraph",
    "newspaper", "télévision", "télé", "chaîne", "hebdomadaire", "quotidien", "presse", "agence",
    "قناة", "صحيفة", "جريدة", "وكالة", "موقع", "تلفزيون", "التلفزيون", "إذاعة", "مجلة",
})

_ARTICLE = re.compile(r"^(?:the|le|la|les|l['’])\s*", re.I)


def _fold(text: str) -> str:
    """Case-, accent-, diacritic- and punctuation-insensitive key (tokens joined by one space)."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if unicodedata.category(c) != "Mn" and c != "\u0640")
    t = t.casefold().replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
    t = re.sub(r"[\-‐‑–—'’`\".,«»“”()]+", " ", t)
    return " ".join(t.split())


def _build_index() -> list[tuple[str, Outlet]]:
    idx = []
    for o in OUTLETS:
        for a in (o.name, *o.aliases):
            key = _fold(a)
            if key:
                idx.append((key, o))
    idx.sort(key=lambda kv: -len(kv[0]))  # longest alias first
    return idx


_INDEX = _build_index()


def find_outlet(name: str | None) -> Outlet | None:
    """The known outlet named by ``name`` (as written, any script), or None.

    Matches whole tokens, longest alias first: "Le Journal du Dimanche",
    "told AFP", "وكالة فرانس برس" all resolve.
    """
    if not name:
        return None
    key = f" {_fold(name)} "
    for alias, outlet in _INDEX:
        if f" {alias} " in key:
            return outlet
    return None


def outlet_language(outlet: str | None) -> str | None:
    """Language ("en", "fr", "ar") the named outlet publishes in, or None if unknown."""
    o = find_outlet(outlet)
    return o.lang if o else None


def is_known_outlet(name: str) -> bool:
    """True when ``name`` *is* an outlet name (not merely contains one)."""
    o = find_outlet(name)
    if o is None:
        return False
    key = _fold(_ARTICLE.sub("", name.strip()))
    key = re.sub(r"^(?:ال)?(?:وكالة|صحيفة|جريدة|قناة|موقع|اذاعة|مجلة)\s+", "", key)
    return any(_fold(_ARTICLE.sub("", a)) == key for a in (o.name, *o.aliases)) or _fold(o.name) == key


def looks_like_outlet(name: str) -> bool:
    """Known outlet, or a proper name containing a media word ("Iran TV", "Sham Network")."""
    if find_outlet(name) is not None:
        return True
    words = {w.casefold() for w in re.findall(r"\w+", name)}
    return bool(words & MEDIA_WORDS)
