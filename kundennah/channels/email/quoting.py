"""Where the quoted history of a reply begins ("Am … schrieb …", "-----Original Message-----",
Outlook's header block, "> " lines), so the concern page can fold it away."""

from __future__ import annotations

import re

# --- Quoted history ---------------------------------------------------------------------------

_ATTRIBUTION = re.compile(
    r"^\s*(?:"
    r"Am\s.{4,250}?\s(?:schrieb|hat)\b.{0,250}:"  # Am 12.03.2026 um 10:15 schrieb Erika <…>:
    r"|On\s.{4,250}?\swrote\s?:"  # On Tue, Mar 12, 2026 at 10:15 AM Erika <…> wrote:
    r"|.{1,200}\sschrieb am\s.{4,100}:"  # Erika Muster schrieb am 12.03.2026:
    r"|Zitat von\s.{1,200}:"
    r")\s*$", re.IGNORECASE)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(?:Ursprüngliche Nachricht|Original Message|Originalnachricht|Urspr\.? Nachricht)\s*-{2,}\s*$",
    re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*_{20,}\s*$")
_HEADER_FROM = re.compile(r"^\s*\*?\s*(?:Von|From)\s*:\s*\*?\s*\S", re.IGNORECASE)
_HEADER_OTHER = re.compile(r"^\s*\*?\s*(?:Gesendet|Sent|Datum|Date|An|To|Betreff|Subject|Cc)\s*:", re.IGNORECASE)
_HEADER_SENT = re.compile(r"^\s*\*?\s*(?:Gesendet|Sent|Datum|Date)\s*:", re.IGNORECASE)
_QUOTED = re.compile(r"^\s*>")


def _header_block_at(lines: list[str], index: int) -> bool:
    """An Outlook-style "Von: … Gesendet: … An: …" block starts at this line."""
    if not _HEADER_FROM.match(lines[index]):
        return False
    following = [line for line in lines[index + 1:index + 7] if line.strip()][:4]
    return any(_HEADER_SENT.match(line) for line in following) and sum(
        bool(_HEADER_OTHER.match(line)) for line in following) >= 2


def _attribution_at(lines: list[str], index: int) -> int:
    """How many lines an attribution ("Am … schrieb …:") starting here spans (clients wrap it), or 0."""
    if not re.match(r"^\s*(?:Am|On|Zitat von)\s|^.{1,200}\sschrieb am\s", lines[index], re.IGNORECASE):
        return 0
    joined = ""
    for span in range(1, 4):
        if index + span > len(lines):
            break
        joined = (joined + " " + lines[index + span - 1].strip()).strip()
        if len(joined) > 500:
            break
        if _ATTRIBUTION.match(joined):
            return span
    return 0


def _quoted_tails(lines: list[str]) -> list[bool]:
    """For each line: whether it and all after it are quoted or blank (one pass, also for long mails)."""
    tails = [True] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        tails[index] = tails[index + 1] and (not lines[index].strip() or bool(_QUOTED.match(lines[index])))
    return tails


def quoted_split(text: str) -> tuple[str, str]:
    """(what the sender wrote now, the quoted history) — the history "" if there is none."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    only_quoted_after = _quoted_tails(lines)
    has_quote_after = [False] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        has_quote_after[index] = has_quote_after[index + 1] or bool(_QUOTED.match(lines[index]))
    cut = None
    for index, line in enumerate(lines):
        if _ORIGINAL_MESSAGE.match(line) or _header_block_at(lines, index):
            cut = index
            break
        if _SEPARATOR.match(line):
            following = [other for other in lines[index + 1:index + 4] if other.strip()]
            if following and _header_block_at(lines, lines.index(following[0], index + 1)):
                cut = index
                break
        span = _attribution_at(lines, index)
        if span and only_quoted_after[index + span] and has_quote_after[index + span]:
            cut = index
            break
        if _QUOTED.match(line) and only_quoted_after[index]:
            cut = index
            break
    if cut is None:
        return text.strip(), ""
    current, history = "\n".join(lines[:cut]).strip(), "\n".join(lines[cut:]).strip()
    if not current:
        return text.strip(), ""
    return current, history
