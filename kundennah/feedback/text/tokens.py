"""Tokenising, stop words and cached snowball stemming for German and English comments.

Everything here works on plain strings and is cached per distinct token, so that 100,000
comments cost one regular-expression pass each plus a dictionary look-up per word.
"""

from __future__ import annotations

import re

import snowballstemmer


def _words(text: str) -> list[str]:
    return text.split()

# Words (letters; English "n't" kept on its word: "don't") and the punctuation that ends a clause.
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:'t)?|[.,;:!?]")
PUNCTUATION = frozenset(".,;:!?")
SENTENCE_END = frozenset(".!?")

# Our own lists, written for Kundennah (function words, pronouns, auxiliaries, fillers).
GERMAN_STOP_WORDS = frozenset(
    _words(
        """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anders auch auf
    aus bei beim bin bis bist bitte da dabei dadurch daher dafür dagegen damals damit dann daran darauf daraus darf
    darum darüber das dass daß davon dazu dem demnach den denen denn der deren derer des deshalb dessen dich die dies
    diese diesem diesen dieser dieses dir doch dort du durch eben ein eine einem einen einer eines einfach einige
    einmal er es etwa etwas euch euer eure für gab gar gegen gehabt gewesen gibt ging hab habe haben hat hatte
    hatten hätte hätten her heute hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im immer in
    indem ins ist ja je jede jedem jeden jeder jedes jedoch jetzt kann kannst konnte konnten könnte könnten man
    manche mehr mein meine meinem meinen meiner meines mich mir mit muss musste müssen nach nachdem nämlich neben
    noch nun nur ob oder ohne schon sehr sein seine seinem seinen seiner seit seitdem selbst sich sie sind so
    sodass solche soll sollen sollte sondern sonst über um und uns unser unsere unter viel vom von vor wann war
    waren warum was weil welche welchem welchen welcher weiter wenn wer werde werden wie wieder wir wird wirklich
    wo wollen wollte worden wurde wurden würde würden zu zum zur zwar zwischen mal halt eigentlich bzw usw
    ganz gerade gestern morgen bereits eh echt total denke finde glaube hallo guten tag liebe lieber grüße gruß
    freundlichen danke vielen dank leider nochmal obwohl trotzdem wegen ok okay nicht kein keine keinen keinem
    keiner nichts nie niemals gut sehr
    """
    )
)

ENGLISH_STOP_WORDS = frozenset(
    _words(
        """
    a about above after again against all am an and any are as at be because been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her here hers
    herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves also get got really still even
    hello hi thanks thank please dear regards cheers okay ok yes yet
    i'm i've it's don't didn't doesn't isn't wasn't can't won't couldn't
    """
    )
)

STOP_WORDS = GERMAN_STOP_WORDS | ENGLISH_STOP_WORDS

# Words that tell German from English: frequent function words that are not words of the other language.
GERMAN_MARKERS = frozenset(
    _words(
        """
    der die das und ist nicht ich ein eine einen dem den des mit sich auf für von zu ist sind wurde wurden habe
    hat haben mein meine meinen mir mich sehr auch aber noch schon nach wie kein keine keinen nie immer wieder
    bei beim vom zum zur wir ihr sie es gut leider bitte danke war waren bin
    """
    )
) - frozenset(["war"])
ENGLISH_MARKERS = frozenset(
    _words(
        """
    the and is not i a an with to of for my me it this that was were have has had be been are very but no never
    again you your our they their would could should don't didn't doesn't isn't wasn't can't won't
    good bad please thanks thank
    """
    )
) - frozenset(["a"])

_STEMMERS = {
    "de": snowballstemmer.stemmer("german"),
    "en": snowballstemmer.stemmer("english"),
}
_STEM_CACHE: dict[str, dict[str, str]] = {"de": {}, "en": {}}
_CACHE_LIMIT = 500_000


def tokenize(text: str) -> list[str]:
    """Lower-case words and clause punctuation of one text, in order."""
    return _TOKEN_RE.findall(text.lower().replace("’", "'"))


def tokenize_cased(text: str) -> list[str]:
    """Words as written (for surface forms in labels), without punctuation."""
    return [t for t in _TOKEN_RE.findall(text.replace("’", "'")) if t not in PUNCTUATION]


def language_of_tokens(tokens: list[str]) -> str:
    """"de" or "en" from lower-case tokens; German when undecided."""
    distinct = set(tokens)
    return "en" if len(ENGLISH_MARKERS & distinct) > len(GERMAN_MARKERS & distinct) else "de"


def stem(token: str, language: str) -> str:
    """The snowball stem of a lower-case token, cached per language and distinct token."""
    cache = _STEM_CACHE[language]
    found = cache.get(token)
    if found is None:
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        found = _STEMMERS[language].stemWord(token.replace("’", "'"))
        cache[token] = found
    return found
