"""Sound keys: one spelling for the many ways a word is written, in Devanagari or in Latin letters.

A citizen writes लाड़ली or लाडली, वृद्धा or व्रद्धा, "vridha" or "vriddha", "khasra" for खसरा. Search
compares words by a key that both scripts reach:

1. Devanagari is folded: the nukta, the visarga and joiners go; chandrabindu and anusvara become the nasal
   consonant a typist would write (म before p, ph, b, bh, m; न elsewhere), as do ङ ञ ण; long ी ू become
   short ि ु, and the English vowels ॉ ॅ become ो े.
2. The inherent vowels Hindi does not pronounce are dropped (schwa deletion: खसरा is "khasra", not
   "khasara"), by the usual rule: the last consonant of a word loses its vowel unless it ends a
   conjunct, and a single consonant between a voiced syllable and a consonant with a vowel loses its
   own. Because the rule has exceptions (जननी is "janani"), a word also keeps a second key in which only
   the final vowel is dropped.
3. The folded Devanagari is written in Latin letters with ``indic-transliteration`` (its OPTITRANS
   scheme, the closest to how Hindi is typed in Latin letters).
4. Every Latin word, typed or transliterated, is lowered and folded the way Hindi is typed loosely: the
   h of aspirates and of sh and ch goes, ph is f, w is v, z is j, q is k, x is ks, ee is i, oo is u, and
   doubled letters are single ("vriddha" and "vridha" are both "vrida").

What is left (e for a in "behna", a missing letter) is for the search's edit distance to forgive.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from catalogue.digits import ascii_digits

__all__ = ["fold_devanagari", "has_devanagari", "sound_keys"]

_VIRAMA = "\u094d"
_CONSONANT = re.compile(r"[\u0915-\u0939]")
_DEPENDENT_VOWEL = re.compile(r"[\u093e-\u094c\u0962\u0963]")
_INDEPENDENT_VOWEL = re.compile(r"[\u0904-\u0914\u0960\u0961]")
_ANUSVARA = "\u0902"
# न or म with a virama before a stop or a sibilant: the same sound as an anusvara there (not before म न
# or a semivowel, where it is a consonant of its own: जन्म, कन्या).
_NASAL_CONSONANT = re.compile("[नम]\u094d(?=[क-घच-झट-ढत-धप-भश-ह])")

_FOLD = str.maketrans(
    {
        "\u093c": None, "\u0903": None, "\u200c": None, "\u200d": None,  # nukta, visarga, joiners
        "\u0901": _ANUSVARA,  # chandrabindu
        "\u0940": "\u093f", "\u0942": "\u0941",  # ी ू -> ि ु
        "\u0908": "\u0907", "\u090a": "\u0909",  # ई ऊ -> इ उ
        "\u0949": "\u094b", "\u0945": "\u0947",  # ॉ ॅ -> ो े
        "\u0911": "\u0913", "\u090d": "\u090f",  # ऑ ऍ -> ओ ए
        "\u0919": "\u0928", "\u091e": "\u0928", "\u0923": "\u0928",  # ङ ञ ण -> न
    }
)  # fmt: skip

_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
# Aspirates and the sh/ch digraphs lose their h; then doubled letters become one.
_ASPIRATE = re.compile(r"(?<=[bcdgjkpst])h+")
_DOUBLED = re.compile(r"(.)\1+")
_LATIN = (("ph", "f"), ("ee", "i"), ("oo", "u"), ("w", "v"), ("z", "j"), ("q", "k"), ("x", "ks"))
# OPTITRANS letters that mean something else once lowered: vocalic r, ch (छ) written Ch, and the anusvara
# M, which is m before a labial and n elsewhere.
_OPTITRANS = (
    (re.compile("R"), "ri"),
    (re.compile("Ch"), "ch"),
    (re.compile("M(?=[pbm])"), "m"),
    (re.compile("M"), "n"),
)


def has_devanagari(text: str) -> bool:
    return _DEVANAGARI.search(text) is not None


def fold_devanagari(word: str) -> str:
    """``word`` with the differences of spelling that do not change how it is said taken out."""
    folded = unicodedata.normalize("NFD", word).translate(_FOLD)
    # A nasal consonant closing a syllable is written either way: पेन्शन, पेंशन.
    folded = _NASAL_CONSONANT.sub(_ANUSVARA, folded)
    return unicodedata.normalize("NFC", folded)


def _bare(word: str, i: int) -> bool:
    """Whether the letter at ``i`` is a consonant that carries the inherent vowel."""
    if not _CONSONANT.match(word[i]):
        return False
    following = word[i + 1] if i + 1 < len(word) else ""
    return following != _VIRAMA and not _DEPENDENT_VOWEL.match(following)


def _voiced(word: str, i: int, silenced: set[int]) -> bool:
    """Whether the letter at ``i`` ends a syllable that has a vowel."""
    if i < 0:
        return False
    char = word[i]
    if _DEPENDENT_VOWEL.match(char) or _INDEPENDENT_VOWEL.match(char):
        return True
    return _bare(word, i) and i not in silenced


def _drop_schwas(word: str, medial: bool) -> str:
    """``word`` (folded Devanagari) with a virama after each consonant whose inherent vowel is silent."""
    silenced: set[int] = set()
    bare = [i for i in range(len(word)) if _bare(word, i)]
    for i in reversed(bare):
        conjunct = i > 0 and word[i - 1] == _VIRAMA
        if i == len(word) - 1:
            # A word's last vowel is silent unless it ends a conjunct (पत्र) or is the only vowel.
            if not conjunct and any(_voiced(word, j, silenced) for j in range(i)):
                silenced.add(i)
            continue
        if not medial or conjunct or i == 0:
            continue
        after = i + 1
        if (
            _voiced(word, i - 1, silenced)
            and _CONSONANT.match(word[after])
            and (after + 1 >= len(word) or word[after + 1] != _VIRAMA)
            and not (after in bare and after in silenced)
        ):
            silenced.add(i)
    if not silenced:
        return word
    return "".join(char + _VIRAMA if i in silenced else char for i, char in enumerate(word))


@lru_cache(maxsize=1)
def _transliterator() -> Any:
    # Imported on first use: the package takes a tenth of a second to import, which loading the
    # catalogue should not pay when nobody searches.
    from indic_transliteration import sanscript

    return lambda text: sanscript.transliterate(text, sanscript.DEVANAGARI, sanscript.OPTITRANS)


def _latin(word: str) -> str:
    text = word.lower()
    for old, new in _LATIN:
        text = text.replace(old, new)
    text = _ASPIRATE.sub("", text)
    return _DOUBLED.sub(r"\1", text)


def _romanised(word: str) -> str:
    text = _transliterator()(word)
    for pattern, new in _OPTITRANS:
        text = pattern.sub(new, text)
    return _latin(text)


@lru_cache(maxsize=65536)
def sound_keys(word: str) -> tuple[str, ...]:
    """The keys of one word (already case-folded): one for a Latin word, one or two for Devanagari."""
    word = ascii_digits(word)
    if not has_devanagari(word):
        return (_latin(word),)
    folded = fold_devanagari(word)
    spoken = _romanised(_drop_schwas(folded, medial=True))
    written = _romanised(_drop_schwas(folded, medial=False))
    return (spoken,) if spoken == written else (spoken, written)
