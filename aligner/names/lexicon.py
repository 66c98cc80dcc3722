"""Small word lists used to find and compare names (English, French, Arabic).

Deliberately small and explicit: titles, speech verbs, organisation heads
(with the concept they stand for, so ``Jaish`` = ``Army`` = ``جيش``), a
gazetteer of places that appear in Syria news, well-known organisation
aliases (ISIS / Daesh / داعش), news outlets, and stop words that never
start a name. Arabic entries are given in folded form (see
:func:`aligner.names.normalize.fold_arabic`) where they are compared folded.
"""

from __future__ import annotations

import re

from ..text.arabic import has_arabic_block
from ..text.outlets import OUTLETS as TEXT_OUTLETS
from .normalize import fold_arabic, fold_latin


def _fold(word: str) -> str:
    """``word`` folded as Arabic if it has Arabic script, else as Latin."""
    return fold_arabic(word, soft=True) if has_arabic_block(word) else fold_latin(word)


def _concepts(table: dict[str, str]) -> dict[str, str]:
    """{concept: "word word ..."} -> {folded word: concept}."""
    return {_fold(w): concept for concept, words in table.items() for w in words.split()}


# ------------------------------------------------------------------ titles
# Lower-cased; multi-word titles are matched word by word from the right.
# words that, before a capitalised name, make it a title rather than a name
TITLE_HEADS_EN = frozenset("""
president minister premier secretary general director envoy ambassador ayatollah leader sheikh shaikh commander
chief head spokesman spokeswoman spokesperson adviser advisor mr mrs ms dr king prince emir colonel lieutenant
brigadier representative mediator chairman chairwoman mufti imam deputy senator governor mayor coordinator
negotiator founder
""".split())
TITLES_FR = frozenset("""
président présidente ministre premier première chef directeur directrice émissaire envoyé envoyée ambassadeur
ambassadrice ayatollah guide dirigeant dirigeante porte-parole conseiller conseillère commandant général
colonel cheikh secrétaire m. mme monsieur madame médiateur représentant représentante responsable fondateur
membre négociateur coordinateur adjoint
""".split())
TITLES_AR = frozenset(fold_arabic(w, soft=True) for w in """
رئيس الرئيس رئيسة وزير الوزير وزيرة المتحدث المتحدثة متحدث الناطق ناطق مدير المدير مديرة المبعوث مبعوث
السفير سفير الأمين أمين العماد اللواء العميد الجنرال الشيخ القائد قائد زعيم الزعيم نائب المستشار مستشار
عضو المرشد مرشد الملك الأمير العقيد المنسق منسق المفاوض كبير الدكتور ممثل السيد السيدة رئيسة
""".split())

SPEECH_VERBS_EN = frozenset("""
said says told added stated announced warned explained noted stressed revealed declared insisted asked
confirmed denied claimed argued wrote tweeted replied urged called accused
""".split())
SPEECH_VERBS_FR = frozenset("""
a déclaré déclare a dit dit a affirmé affirme a ajouté ajoute a estimé estime a souligné souligne
a indiqué indique a assuré assure a expliqué explique a annoncé annonce selon a averti a confié
""".split())
SPEECH_VERBS_AR = frozenset(fold_arabic(w, soft=True) for w in """
قال وقال أكد وأكد أعلن وأعلن أضاف وأضاف صرح وصرح أوضح وأوضح اعتبر واعتبر أشار وأشار حذر وحذر
تابع وتابع لفت ولفت شدد وشدد كشف وكشف نقل بحسب وفق وفقا يقول وتقول تقول يرى ورأى رأى
""".split())

# ------------------------------------------------------- organisation heads
# surface word (folded) -> concept
ORG_HEADS: dict[str, str] = _concepts({
    "FRONT": "front jabhat jabhet jubhat jabha jebhat جبهة جبهه",
    "ARMY": "army armée armee jaish jaysh jaych jeish jeich جيش",
    "MOVEMENT": "movement mouvement harakat haraket haraka حركة حركه",
    "COMMITTEE": "committee comité comite commission لجنة لجنه هيئة هيئه الهيئة الهيئه",
    "OBSERVATORY": "observatory observatoire المرصد مرصد",
    "BRIGADES": "brigades brigade brigada liwa liwaa katibat kataib katiba لواء ألوية الوية كتائب كتيبة",
    "COUNCIL": "council conseil majlis مجلس المجلس",
    "COALITION": "coalition i'tilaf etilaf ائتلاف الائتلاف",
    "UNION": "union ittihad اتحاد الاتحاد تجمع",
    "NETWORK": "network réseau reseau شبكة",
    "PARTY": "party parti hizb حزب",
    "ORGANIZATION": "organization organisation organisations organizations tanzim تنظيم منظمة",
    "MINISTRY": "ministry ministère ministere وزارة",
    "DEPARTMENT": "department département",
    "CORPS": "corps faylaq فيلق",
    "FORCES": "forces قوات",
    "AGENCY": "agency agence وكالة",
    "GROUP": "group groupe مجموعة",
    "TV": "tv télévision television قناة",
})

# heads that START an Arabic-style organisation name (Jabhat X, Jaish X, Harakat X, Ahrar X)
ORG_PREFIXES_LATIN = frozenset(
    "jabhat jabhet jubhat jaish jaysh jeish jaych harakat haraket liwa liwaa katibat kataib ahrar hayat hay'at "
    "hayat tahrir tanzim faylaq jund ansar".split())
ORG_PREFIXES_AR = frozenset(fold_arabic(w, soft=True) for w in
                            "جبهة جيش حركة لواء ألوية كتائب أحرار هيئة الهيئة تنظيم فيلق جند أنصار حزب المرصد "
                            "مرصد الائتلاف ائتلاف المجلس مجلس لجنة اللجنة شبكة".split())
# English/French words inside organisation names that carry meaning across languages
ORG_CONCEPTS: dict[str, str] = _concepts({
    "SYRIA": "syrian syrien syrienne syriens syria syrie السوري السورية سوريا سورية لسوريا",
    "HUMANRIGHTS": "rights droits حقوق لحقوق",
    "HUMAN": "human homme l'homme الانسان الإنسان",
    "HIGH": "high haut haute العليا الاعلى الأعلى",
    "NEGOTIATION": "negotiations negotiation négociations negociations négociation للمفاوضات المفاوضات التفاوض",
    "NATIONAL": "national nationale الوطني الوطنية",
    "FREE": "free libre الحر",
    "ISLAMIC": "islamic islamique islamiste الإسلامية الاسلامية الإسلامي الاسلامي",
    "REVOLUTION": "revolution révolution الثورة",
    "OPPOSITION": "opposition المعارضة",
    "SECURITY": "security sécurité الأمن",
    "FOREIGN": "foreign étrangères etrangeres الخارجية",
    "UNITED": "united unies المتحدة",
    "NATIONS": "nations الأمم الامم",
    "RUSSIA": "russian russe russia russie الروسي الروسية",
    "IRAN": "iranian iranien iranienne الإيراني الإيرانية",
    "INQUIRY": "inquiry enquête تحقيق",
    "CONQUEST": "conquest conquête conquete fatah fath fateh الفتح فتح",
})

ORG_STOP = frozenset(fold_latin(w) for w in
                     "of for the and de des du d' l' la le les et pour in on to at by".split()) | frozenset(
    {"ل", "و", "في", "من"})

def alias_key(text: str) -> str:
    """Key of a known organisation / place spelling: folded, no spaces, dots, hyphens or apostrophes."""
    f = _fold(text)
    return re.sub(r"['\s.\-]", "", f)


# Well-known organisations and aliases: alias key -> canonical English name
ORG_ALIASES: dict[str, str] = {}
for canonical, aliases in {
    "Islamic State": "ISIS|ISIL|IS|Daesh|DAESH|Daech|Islamic State|Islamic State of Iraq and the Levant|"
                     "Islamic State of Iraq and Syria|Etat islamique|État islamique|EI|الدولة الإسلامية|داعش|"
                     "تنظيم الدولة|تنظيم داعش|الدولة الاسلامية",
    "Al-Qaeda": "al-Qaeda|al Qaeda|Al-Qaeda|Al Qaeda|al-Qaida|Al-Qaïda|al-Qa'ida|Al-Qaida|القاعدة|تنظيم القاعدة",
    "Hezbollah": "Hezbollah|Hizbollah|Hizbullah|Hezbolla|Hizballah|حزب الله",
    "Reuters": "Reuters|رويترز",
    "AFP": "AFP|Agence France-Presse|Agence France Presse|وكالة الصحافة الفرنسية|فرانس برس|فرانس بريس",
    "AP": "AP|Associated Press|أسوشيتد برس",
    "Asharq Al-Awsat": "Asharq Al-Awsat|Asharq al-Awsat|Al-Sharq Al-Awsat|Asharq Alawsat|الشرق الأوسط",
    "Journal du Dimanche": "Journal du Dimanche|JDD",
    "TRT World": "TRTWorld|TRT World",
    "United Nations": "United Nations|UN|U.N.|ONU|Nations unies|الأمم المتحدة",
    "OSCE": "OSCE",
    "NATO": "NATO|OTAN|الناتو|حلف شمال الأطلسي",
    "Taliban": "Taliban|طالبان",
    "U.N. Security Council": "U.N. Security Council|UN Security Council|United Nations Security Council|"
                             "Security Council|Conseil de sécurité|Conseil de securite|"
                             "مجلس الأمن|مجلس الأمن الدولي",
    "Syrian Civil Defence": "Syrian Civil Defence|Syria Civil Defence|Syrian Civil Defense|White Helmets|"
                            "Casques blancs|الدفاع المدني|الدفاع المدني السوري|الخوذ البيضاء",
    "Facebook": "Facebook|فيسبوك",
    "L'Orient-Le Jour": "L'Orient-Le Jour|L’Orient-Le Jour|L'Orient Le Jour|OLJ|لوريان لوجور",
    "Twitter": "Twitter|تويتر",
}.items():
    for a in aliases.split("|"):
        ORG_ALIASES[alias_key(a)] = canonical
# dotted Arabic agency abbreviations
for _a, _c in (("أ.ف.ب", "AFP"), ("ا.ف.ب", "AFP"), ("أ.ب", "AP"), ("ا.ب", "AP"), ("د.ب.أ", "DPA")):
    ORG_ALIASES[alias_key(_a)] = _c
# news outlets: the one list is aligner.text.outlets.OUTLETS; one-word Arabic
# aliases are only taken when they are unambiguous names
_SAFE_AR_OUTLET = {"سانا", "رويترز", "لوموند", "لوفيغارو", "بلومبرغ", "الجزيرة"}
for _o in TEXT_OUTLETS:
    for _a in (_o.name,) + tuple(_o.aliases):
        if has_arabic_block(_a):
            if " " in _a.strip() or _a in _SAFE_AR_OUTLET:
                ORG_ALIASES.setdefault(alias_key(_a), _o.name)
        elif len(_a) >= 2:
            ORG_ALIASES.setdefault(alias_key(_a), _o.name)

# ---------------------------------------------------------------- gazetteer
# canonical English -> spellings (English, French, Arabic)
PLACES: dict[str, str] = {
    "Aleppo": "Aleppo|Alep|Halab|حلب",
    "Damascus": "Damascus|Damas|Dimashq|دمشق",
    "Idlib": "Idlib|Idleb|إدلب|ادلب",
    "Homs": "Homs|حمص",
    "Hama": "Hama|Hamah|حماة|حماه",
    "Deraa": "Deraa|Daraa|Dara'a|Deraa|Déraa|درعا",
    "Douma": "Douma|Duma|دوما",
    "Latakia": "Latakia|Lattakia|Lattaquié|Lattaquie|اللاذقية",
    "Deir al-Zor": "Deir al-Zor|Deir ez-Zor|Deir Ezzor|Deir el-Zor|Deir al-Zour|Deir Ez-Zor|Deir ez-Zour|دير الزور",
    "Raqqa": "Raqqa|Raqa|Rakka|الرقة",
    "Palmyra": "Palmyra|Palmyre|Tadmur|تدمر",
    "Geneva": "Geneva|Genève|Geneve|جنيف",
    "Moscow": "Moscow|Moscou|موسكو",
    "Washington": "Washington|واشنطن",
    "Paris": "Paris|باريس",
    "Tehran": "Tehran|Téhéran|Teheran|طهران",
    "Beirut": "Beirut|Beyrouth|بيروت",
    "Amman": "Amman|عمّان",
    "Ankara": "Ankara|أنقرة",
    "Istanbul": "Istanbul|إسطنبول|اسطنبول",
    "Riyadh": "Riyadh|Riyad|الرياض",
    "Cairo": "Cairo|Le Caire|القاهرة",
    "Baghdad": "Baghdad|Bagdad|بغداد",
    "London": "London|Londres|لندن",
    "Hamburg": "Hamburg|Hambourg|هامبورغ",
    "New York": "New York|نيويورك",
    "Vienna": "Vienna|Vienne|فيينا",
    "Syria": "Syria|Syrie|سوريا|سورية",
    "Russia": "Russia|Russie|روسيا",
    "Iran": "Iran|إيران|ايران|الجمهورية الإسلامية الإيرانية|République islamique d'Iran|Islamic Republic of Iran",
    "Iraq": "Iraq|Irak|العراق",
    "Turkey": "Turkey|Turquie|تركيا",
    "Lebanon": "Lebanon|Liban|لبنان",
    "Jordan": "Jordan|Jordanie|الأردن",
    "Israel": "Israel|Israël|إسرائيل",
    "Egypt": "Egypt|Egypte|Égypte|مصر",
    "France": "France|فرنسا",
    "China": "China|Chine|الصين",
    "Spain": "Spain|Espagne|إسبانيا",
    "New Zealand": "New Zealand|Nouvelle-Zélande|نيوزيلندا",
    "Saudi Arabia": "Saudi Arabia|Arabie saoudite|السعودية",
    "Qatar": "Qatar|قطر",
    "United States": "United States|États-Unis|Etats-Unis|الولايات المتحدة|U.S.|US|USA",
    "Europe": "Europe|أوروبا",
    "Gaza": "Gaza|غزة",
    "Ghouta": "Ghouta|الغوطة",
    "Kobani": "Kobani|Kobané|Ain al-Arab|كوباني|عين العرب",
    "Manbij": "Manbij|منبج",
    "Afrin": "Afrin|عفرين",
    "Hasakah": "Hasakah|Hassakeh|الحسكة",
    "Quneitra": "Quneitra|القنيطرة",
    "Tartus": "Tartus|Tartous|طرطوس",
    "Khan Shaykhun": "Khan Shaykhun|Khan Sheikhoun|خان شيخون",
    "Saraqeb": "Saraqeb|Saraqib|سراقب",
    "Maarat al-Numan": "Maarat al-Numan|Maaret al-Noomane|Maarat al-Nouman|معرة النعمان",
    "Daraya": "Daraya|Darayya|داريا",
    "Astana": "Astana|آستانة|أستانا|استانا",
    "Kazakhstan": "Kazakhstan|كازاخستان",
    "Britain": "Britain|Great Britain|United Kingdom|Royaume-Uni|Grande-Bretagne|بريطانيا",
    "Germany": "Germany|Allemagne|ألمانيا",
    "Middle East": "Middle East|Moyen-Orient|Proche-Orient",
    "East Aleppo": "Alep-Est|East Aleppo|Aleppo East|حلب الشرقية",
    "Elysee Palace": "Elysee Palace|Élysée|Elysee|Elysée|palais de l'Élysée|الإليزيه",
    "Quai d'Orsay": "Quai d'Orsay|Quai d’Orsay",
}
PLACE_ALIASES: dict[str, str] = {}
for canonical, spellings in PLACES.items():
    for s in spellings.split("|"):
        PLACE_ALIASES[alias_key(s)] = canonical
# lower-case nouns that, right after a capitalised name, make it a place
PLACE_NOUNS = frozenset("""
district neighborhood neighbourhood neighborhoods area town village city province countryside crossing camp
street square mosque airport base quarter region governorate suburb valley mountain mountains river border
prison hospital
""".split())
PLACE_NOUNS_FR = frozenset("quartier ville village province région camp rue place aéroport base banlieue".split())

# ------------------------------------------------------------- stop words
MONTHS = frozenset(fold_latin(w) for w in """
january february march april may june july august september october november december
janvier février mars avril mai juin juillet août septembre octobre novembre décembre
monday tuesday wednesday thursday friday saturday sunday
lundi mardi mercredi jeudi vendredi samedi dimanche
""".split())
DEMONYMS = frozenset(fold_latin(w) for w in """
syrian syrians russian russians iranian iranians american americans french turkish saudi lebanese chinese arab
arabs islamic kurdish british western european iraqi jordanian egyptian israeli palestinian qatari emirati
german italian spanish sunni shiite shia alawite christian muslim u.s. us u.n. un uk eu
syrien syrienne syriens russe russes iranien iranienne américain américaine français française turc turque
saoudien libanais chinois arabe kurde britannique européen irakien swiss suisse
""".split())
# capitalised words that never begin or form a person's name on their own
STOP_CAPS = frozenset(fold_latin(w) for w in """
the a an this that these those there their they he she it we i you his her its our my however meanwhile
moreover also but and or if when while after before since during on in at for from to of by with as
according although though despite yet still then thus so other another some many several all both each
select page media id caption photo photos archive news opinion english international black market
ceasefire truce regime opposition government forces army ministry council committee front observatory
breaking update updated live video read more share comment comments home world politics editor by
mr mrs ms dr sir
le la les un une des du de et ou mais donc car ni ce cette ces il elle ils elles nous vous on selon
après avant pendant depuis lors dans pour par sur sous avec sans chez en au aux
""".split())
STOP_AR = frozenset(fold_arabic(w, soft=True) for w in """
في من إلى الى على عن مع أن إن ان أنه انه أنها التي الذي الذين كان كانت قد لقد لم لن ما لا هذا هذه ذلك
تلك هو هي هم بعد قبل خلال بين حول ضد عبر منذ حتى أو او ثم كما لكن بل إذ اذا إذا عند لدى دون غير
وفي ومن وإلى وعلى وعن ومع وأن وإن ولم ولا وقد كل بعض أي يوم اليوم أمس الأحد الاثنين الثلاثاء الأربعاء
الخميس الجمعة السبت يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر
كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين محرم صفر ربيع جمادى رجب شعبان رمضان شوال
قوات القوات النظام المعارضة الحكومة الجيش الحرب المدينة مدينة وزارة الخارجية الوزراء الدفاع العام
الخاص الدولي الأممي الأمم المتحدة للأمم حقوق لحقوق الإنسان الانسان باسم عن الجمهورية السابق الحالي
الأعلى العليا الأركان العامة الوطني الوطنية مجلس الأمن وكالة قناة صحيفة أجل نحو وسط شمال جنوب شرق غرب
""".split())
# Arabic gentilics / descriptors that follow a title (وزير الخارجية الروسي ...)
DESCRIPTORS_AR = frozenset(fold_arabic(w, soft=True) for w in """
السوري السورية الروسي الروسية الأمريكي الأميركي الأمريكية الأميركية الإيراني الإيرانية الفرنسي الفرنسية
التركي التركية السعودي السعودية اللبناني اللبنانية البريطاني البريطانية الأممي الأممية العربي العربية
الأردني المصري العراقي القطري الإسرائيلي الصيني الألماني الخارجية الوزراء الحكومة العام العامة الخاص
الخاصة الدولي الدولية الأمم المتحدة للأمم إلى الى لدى في باسم حركة جبهة الهيئة هيئة المرصد للمرصد لحقوق
حقوق الإنسان الانسان العليا للمفاوضات التفاوض الأعلى الأركان للجيش الجيش أركان الأسبق السابق الحالي
المعارضة المعارض الائتلاف الوطني لقوى الثورة الإيرانية مكتب الإعلامي الإعلام الجمهورية الاتحادي
والمغتربين المغتربين الإنسانية الإنساني للشؤون الشؤون العسكري العسكرية الميداني
""".split())

# words that do not occur inside a person's name (but do in titles and organisations)
NON_NAME_WORDS = frozenset(fold_latin(w) for w in """
foreign affairs state security defense defence interior justice health finance economy economic general staff
international national human rights united nations media office press news agency military academy high supreme
upper lower house parliament government regime army forces air force police intelligence republic kingdom
province council committee cooperation europe european english archive opinion middle-east east west north
south central special humanitarian development relief operations operation democratic popular union
affaires étrangères sécurité défense intérieur droits homme nations unies
""".split())
ACRONYM_STOP = frozenset("ID TV PM AM OK CEO GMT UTC AD BC II III IV PDF HTML URL RSS FAQ".split())

# Common given names that the romanizer's index (mostly Arabic/Persian names) may miss.
WESTERN_GIVEN = frozenset(fold_latin(w) for w in """
john james robert michael william david richard joseph thomas charles christopher daniel matthew anthony mark
donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan jacob gary
nicholas eric jonathan stephen larry justin scott brandon benjamin samuel frank gregory raymond alexander
patrick jack dennis jerry tyler aaron jose adam henry nathan douglas zachary peter kyle walter ethan jeremy
harold keith christian roger noah gerald carl terry sean austin arthur lawrence jesse dylan bryan joe jordan
billy bruce albert willie gabriel logan alan juan wayne roy ralph randy eugene vincent russell elijah louis
bobby philip johnny mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty
margaret sandra ashley kimberly emily donna michelle dorothy carol amanda melissa deborah stephanie rebecca
sharon laura cynthia kathleen amy shirley angela helen anna brenda pamela nicole emma samantha katherine
christine debra rachel catherine carolyn janet ruth maria heather diane virginia julie joyce victoria olivia
kelly christina lauren joan evelyn judith megan cheryl andrea hannah martha jacqueline frances gloria ann
teresa kathryn sara janice jean alice madison doris abigail julia judy grace denise amber marilyn beverly
danielle theresa sophia marie diana brittany natalie isabella charlotte rose alexis kayla
jean-marc jean-yves jean-pierre jean-luc jean-claude francois françois laurent nicolas emmanuel jacques
pierre philippe alain bernard michel christophe frederic sebastien olivier thierry didier herve yves
sergey sergei sergueï serguei vladimir dmitry dmitri dimitri mikhail mikhaïl alexei alexey alexeï alexandre
alexander ivan igor boris nikolai nikolaï yuri youri maria valentina viktor victor oleg andrei andreï
staffan jan ban ki-moon kofi antonio antónio angela francois-xavier federica javier boris
hassan recep tayyip mevlut mevlüt ahmet
""".split())
