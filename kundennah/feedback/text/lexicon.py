"""The seed sentiment lexicon: hand-written for customer-service comments in German and English.

Written for Kundennah (no third-party word list). Scores run from -3 (very negative) to +3 (very
positive). Words are matched by their snowball stem, so "freundlich", "freundliche" and
"freundlichen" are one entry. German nouns are written capitalised: they also count as the last
part of a compound ("Lieferverzögerung" ends in "Verzögerung", "Servicewüste" in "Wüste").

Weakly positive "it happened" words ("angekommen", "gemeldet", "erreichbar") are there so that
their negation ("nicht angekommen", "hat sich nie gemeldet", "nicht erreichbar") counts as negative.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()

GERMAN = """
gut 2
super 2.5
toll 2.5
prima 2
klasse 2.5
top 2.5
spitze 2.5
spitzenmäßig 3
hervorragend 3
ausgezeichnet 3
exzellent 3
erstklassig 3
perfekt 3
wunderbar 3
großartig 3
fantastisch 3
sensationell 3
genial 3
vorbildlich 3
lobenswert 2.5
einwandfrei 2.5
reibungslos 2.5
problemlos 2.5
unkompliziert 2
unbürokratisch 2
schnell 1.5
zügig 1.5
flott 1.5
fix 1
prompt 1.5
umgehend 1.5
pünktlich 1.5
rechtzeitig 1
freundlich 2
Freundlichkeit 2
kundenfreundlich 2
nett 2
höflich 2
zuvorkommend 2.5
hilfsbereit 2.5
kompetent 2
Kompetenz 2
professionell 2
geduldig 2
engagiert 2
kulant 2
Kulanz 1.5
entgegenkommend 2
zuverlässig 2
verlässlich 2
sympathisch 2
herzlich 2
angenehm 2
zufrieden 2
zufriedenstellend 1.5
begeistert 3
glücklich 2
froh 1.5
dankbar 2
danke 1.5
dankeschön 2
bedanken 1.5
empfehlen 2
weiterempfehlen 2.5
empfehlenswert 2.5
Lob 2
loben 2
gelöst 1.5
erledigt 1
geklappt 1.5
klappt 1.5
funktioniert 1.5
funktionieren 1.5
hilfreich 2
geholfen 2
hilft 1.5
helfen 1
Hilfe 1
verständlich 1.5
übersichtlich 1.5
bequem 1.5
praktisch 1.5
passt 1.5
gepasst 1.5
okay 0.5
ok 0.5
ordentlich 1
solide 1
korrekt 1
schön 2
gern 1
gerne 1
erfreulich 2
optimal 2.5
bestens 2.5
kostenlos 1
transparent 1.5
fair 1.5
günstig 1
sauber 1.5
gründlich 1.5
sorgfältig 1.5
aufmerksam 1.5
lieb 2
liebevoll 2
positiv 2
gefällt 2
gefallen 1.5
überzeugt 2
überzeugend 2
cool 1.5
nice 1.5
wow 2
Lösung 1
vollständig 1
erreichbar 1
angekommen 0.5
geliefert 0.5
gemeldet 0.5
meldet 0.5
zurückgerufen 0.5
reagiert 0.5
Reaktion 0.5
Antwort 0.5
Rückmeldung 0.5
erhalten 0.3
erstattet 1
Erstattung 0.5
gutgeschrieben 1
schlecht -2
miserabel -3
katastrophal -3
Katastrophe -3
furchtbar -3
schrecklich -3
grauenhaft -3
grausam -2.5
grottig -3
mies -2.5
unmöglich -2
unverschämt -3
Unverschämtheit -3
Frechheit -3
frech -2.5
Zumutung -3
unzumutbar -3
inakzeptabel -3
ärgerlich -2
Ärger -2
ärgern -2
verärgert -2.5
sauer -2
wütend -2.5
Wut -2.5
enttäuscht -2.5
Enttäuschung -2.5
enttäuschend -2.5
unzufrieden -2.5
Unzufriedenheit -2.5
unfreundlich -2.5
unhöflich -2.5
pampig -2.5
patzig -2.5
arrogant -2.5
herablassend -2.5
inkompetent -2.5
unfähig -2.5
ahnungslos -2
hilflos -1.5
nutzlos -2.5
sinnlos -2
unbrauchbar -2.5
kaputt -2
defekt -2
Defekt -2
beschädigt -2
zerkratzt -2
fehlerhaft -2
Fehler -1.5
falsch -1.5
Problem -1.5
problematisch -1.5
Mangel -1.5
mangelhaft -2.5
Beschwerde -1.5
beschweren -1.5
beanstanden -1.5
Beanstandung -1.5
Reklamation -1
reklamieren -1
verspätet -1.5
Verspätung -1.5
verzögert -1.5
Verzögerung -1.5
spät -1
langsam -1.5
ewig -1.5
Ewigkeit -1.5
Warteschleife -1.5
Wartezeit -1
warten -1
wartet -1
gewartet -1
vergeblich -2
ignoriert -2
ignorieren -2
vergessen -1.5
verloren -1.5
fehlt -1.5
fehlen -1.5
niemand -1.5
Chaos -2.5
chaotisch -2.5
Durcheinander -2
umständlich -1.5
kompliziert -1.5
unübersichtlich -1.5
unverständlich -1.5
verwirrend -1.5
teuer -1
überteuert -2
Abzocke -3
abgezockt -3
Betrug -3
betrogen -3
gelogen -2.5
Lüge -2.5
Skandal -3
peinlich -2
nervig -2
nervt -2
genervt -2
lästig -1.5
Stress -1.5
stressig -1.5
Frust -2
frustrierend -2.5
frustriert -2.5
leider -1
schade -1.5
Mist -2.5
scheiße -3
scheiss -3
schlimm -2.5
übel -2
unzuverlässig -2.5
unpünktlich -2
unerreichbar -2.5
Wüste -2.5
abgewimmelt -2.5
abwimmeln -2.5
vertröstet -2
vertrösten -2
aufgelegt -2
abgebrochen -1.5
Mahnung -1.5
gemahnt -1.5
kündigen -1.5
Kündigung -1
dreckig -2
schmutzig -2
unsauber -1.5
unbefriedigend -2
ungenügend -2.5
dürftig -2
lahm -2
träge -1.5
unklar -1
unvollständig -1.5
beschissen -3
Witz -1.5
lächerlich -2.5
Desaster -3
Reinfall -2.5
Ärgernis -2
Schaden -1.5
verschwunden -1.5
umsonst -0.5
"""

ENGLISH = """
good 2
great 2.5
excellent 3
outstanding 3
perfect 3
amazing 3
awesome 3
fantastic 3
wonderful 3
brilliant 3
superb 3
nice 2
friendly 2
kind 2
polite 2
courteous 2
helpful 2
professional 2
competent 2
patient 2
quick 1.5
fast 1.5
prompt 1.5
swift 1.5
punctual 1.5
reliable 2
easy 1.5
smooth 2
seamless 2
happy 2
glad 1.5
pleased 2
satisfied 2
delighted 3
thankful 2
grateful 2
thanks 1.5
thank 1.5
appreciate 2
love 2.5
like 1
recommend 2
solved 1.5
resolved 1.5
fixed 1.5
works 1.5
worked 1.5
helped 2
clear 1
fair 1.5
fine 1
ok 0.5
okay 0.5
well 1
best 2.5
super 2.5
top 2
efficient 2
responsive 1.5
arrived 0.5
delivered 0.5
answered 0.5
replied 0.5
reachable 1
refunded 1
bad -2
terrible -3
awful -3
horrible -3
dreadful -3
poor -2
worst -3
useless -2.5
unhelpful -2.5
rude -2.5
unfriendly -2.5
impolite -2.5
incompetent -2.5
slow -1.5
late -1.5
delay -1.5
delayed -1.5
waiting -1
wait -1
waited -1
broken -2
damaged -2
defective -2
faulty -2
wrong -1.5
error -1.5
mistake -1.5
problem -1.5
issue -1
complaint -1.5
disappointed -2.5
disappointing -2.5
disappointment -2.5
annoyed -2
annoying -2
angry -2.5
furious -3
frustrated -2.5
frustrating -2.5
unacceptable -3
ridiculous -2.5
scam -3
ripoff -3
overpriced -2
expensive -1
confusing -1.5
complicated -1.5
ignored -2
lost -1.5
missing -1.5
unreliable -2.5
unreachable -2.5
mess -2.5
nightmare -3
disaster -3
shame -1.5
sadly -1
unfortunately -1
hate -3
"""

PHRASES_GERMAN = {
    ("nie", "wieder"): -3.0,
    ("unter", "aller", "sau"): -3.0,
    ("zu", "wünschen", "übrig"): -2.0,
    ("lässt", "zu", "wünschen"): -2.0,
    ("zu", "spät"): -2.0,
    ("schon", "wieder"): -1.5,
    ("immer", "noch"): -1.0,
    ("noch", "immer"): -1.0,
    ("seit", "wochen"): -1.5,
    ("seit", "tagen"): -1.0,
    ("seit", "monaten"): -2.0,
    ("wo", "bleibt"): -1.5,
    ("weiter", "so"): 2.0,
    ("wie", "versprochen"): 1.5,
    ("vielen", "dank"): 2.0,
    ("herzlichen", "dank"): 2.0,
    ("alles", "bestens"): 2.5,
    ("hat", "alles", "gepasst"): 2.5,
    ("auf", "den", "punkt"): 1.5,
    ("in", "ordnung"): 1.0,
    ("keine", "ahnung"): -2.0,
    ("hin", "und", "her"): -1.5,
    ("im", "kreis"): -1.5,
    ("gar", "nichts"): -2.0,
    ("null", "komma", "nichts"): -2.5,
    # Set phrases that only look like sentiment: greetings and "nicht nur ..., sondern auch".
    ("guten", "tag"): 0.0,
    ("guten", "morgen"): 0.0,
    ("guten", "abend"): 0.0,
    ("freundlichen", "grüßen"): 0.0,
    ("freundliche", "grüße"): 0.0,
    ("freundlichem", "gruß"): 0.0,
    ("liebe", "grüße"): 0.0,
    ("lieben", "gruß"): 0.0,
    ("beste", "grüße"): 0.0,
    ("viele", "grüße"): 0.0,
    ("nicht", "nur"): 0.0,
    ("meckern",): -1.5,
}

PHRASES_ENGLISH = {
    ("never", "again"): -3.0,
    ("waste", "of", "time"): -3.0,
    ("no", "one"): -1.5,
    ("on", "hold"): -1.5,
    ("keep", "it", "up"): 2.0,
    ("thank", "you"): 2.0,
    ("well", "done"): 2.5,
    ("still", "waiting"): -2.0,
    ("fell", "short"): -2.0,
    ("kind", "regards"): 0.0,
    ("best", "regards"): 0.0,
    ("not", "only"): 0.0,
}

# "seit drei Wochen", "for two weeks": time spent waiting.
for _number in ("zwei", "drei", "vier", "fünf", "sechs", "acht", "zehn", "mehreren", "vielen", "einer", "einem"):
    for _unit, _score in (("tagen", -1.0), ("wochen", -1.5), ("monaten", -2.0), ("woche", -1.0), ("monat", -1.5)):
        PHRASES_GERMAN[("seit", _number, _unit)] = _score
for _number in ("two", "three", "four", "five", "six", "several", "many"):
    for _unit, _score in (("days", -1.0), ("weeks", -1.5), ("months", -2.0)):
        PHRASES_ENGLISH[("for", _number, _unit)] = _score

NEGATORS = frozenset(
    _words(
        """
    nicht nich net kein keine keinen keinem keiner keines nie niemals nichts ohne kaum weder nirgends
    not no never nothing without hardly barely neither nor cannot can't don't doesn't didn't isn't wasn't aren't
    weren't won't wouldn't couldn't shouldn't haven't hasn't hadn't dont doesnt didnt isnt wasnt arent werent cant
    wont couldnt shouldnt havent hasnt
    """
    )
)

INTENSIFIERS = {
    "sehr": 1.5, "total": 1.5, "extrem": 1.7, "absolut": 1.6, "äußerst": 1.6, "wirklich": 1.3, "echt": 1.3,
    "richtig": 1.3, "voll": 1.3, "völlig": 1.5, "komplett": 1.5, "besonders": 1.4, "mega": 1.5, "super": 1.5,
    "unglaublich": 1.5, "so": 1.2, "zu": 1.2, "ziemlich": 1.2, "höchst": 1.5, "ausgesprochen": 1.4, "überaus": 1.5,
    "dermaßen": 1.5, "außerordentlich": 1.5, "enorm": 1.5, "wahnsinnig": 1.5, "ultra": 1.5, "sowas": 1.3,
    "very": 1.5, "really": 1.3, "extremely": 1.7, "totally": 1.5, "absolutely": 1.6, "incredibly": 1.6,
    "highly": 1.5, "completely": 1.5, "utterly": 1.6, "quite": 1.1, "too": 1.2, "pretty": 1.1, "truly": 1.4,
    "etwas": 0.7, "bisschen": 0.7, "leicht": 0.7, "eher": 0.7, "relativ": 0.8, "halbwegs": 0.6,
    "einigermaßen": 0.6, "somewhat": 0.7, "slightly": 0.7, "rather": 0.9, "bit": 0.7, "fairly": 0.8,
}

# A clause before "aber" counts half, the clause after it one and a half (the customer's point comes last).
CONTRAST = frozenset(["aber", "jedoch", "allerdings", "but", "however"])

# Words whose polarity no negation turns around ("leider nicht", "schade, dass ... nicht").
NOT_NEGATABLE = frozenset(["leider", "schade", "danke", "dankeschön", "unfortunately", "sadly", "thanks", "niemand"])


def _parse(text: str) -> dict[str, float]:
    entries: dict[str, float] = {}
    for line in text.strip().splitlines():
        word, _, score = line.rpartition(" ")
        entries[word] = float(score)
    return entries


def german_entries() -> dict[str, float]:
    """Surface form (nouns capitalised) -> score."""
    return _parse(GERMAN)


def english_entries() -> dict[str, float]:
    """Surface form -> score."""
    return _parse(ENGLISH)
