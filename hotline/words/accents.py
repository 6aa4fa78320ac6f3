"""Find Spanish words that SMS accent folding turns into other words (pasó → paso).

GSM-7 has é but not á, í, ó or ú, so folding a Spanish SMS to GSM-7 (``fold_to_gsm7``)
drops those accents. Most words only lose their accent and stay readable (información
→ informacion, día → dia, número → numero). Some become another common word that fits
the same place in a sentence, and the text then says something else:

- a past tense becomes a present or a noun: "¿Qué pasó?" → "¿Qué paso?" ("what step?"),
  "se quedó" → "se quedo" ("I stay"), "no funcionó" → "no funciono" ("I don't work");
- a future becomes a subjunctive: "se comunicará" → "se comunicara";
- a short word becomes its twin: sí → si ("if"), está → esta ("this"), tú → tu
  ("your"), mí → mi ("my"), aún → aun ("even"); and más → mas ("but") where a "but"
  could stand: after a comma or opening a sentence, before a word other than de/que.
  Elsewhere ("2 horas o mas", "mas de 5 horas", "1 Mas") nobody reads "but".

Those are what this module finds. Question words (cómo, dónde, cuándo, cuál, cuánto)
are left out on purpose: the ¿…? around them carries the meaning, and unaccented
questions are how most Spanish texts are written. Nouns whose unaccented twin is a rare
verb form (número/numero, último/ultimo, público/publico) are left out for the same
reason: nobody reads "su numero de caso" as "I number".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hotline.words.segments import fold_to_gsm7

#: Words whose folded spelling is another word, with what that word means.
TWINS: dict[str, str] = {
    "sí": "si (if)",
    "está": "esta (this)",
    "estás": "estas (these)",
    "tú": "tu (your)",
    "mí": "mi (my)",
    "aún": "aun (even)",
    "él": "el (the)",
    "continúa": "continua (continuous)",
    "continúan": "continuan",
    "sería": "seria (serious)",
    "tenía": "tenia (tapeworm)",
    "río": "rio (laughed)",
    "envió": "envio (I send; a shipment)",
    "cambió": "cambio (I change; a change)",
    "limpió": "limpio (clean)",
    "vació": "vacio (empty)",
    "copió": "copio (I copy)",
    "estudió": "estudio (I study; a study)",
    "confió": "confio (I trust)",
    "enfrió": "enfrio (I cool)",
    "rió": "rio (a river)",
    "mamá": "mama (breast)",
    "papá": "papa (potato; the pope)",
}

#: The words ``meaning_changes`` reads: letters, with Spanish accents.
_WORD = re.compile(r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+")
#: "más" where "mas" (but) could stand: after a comma or semicolon, or opening the text
#: or a sentence, with a word after it that is not "de" or "que".
_MAS_AS_BUT = re.compile(r"(?:^|[,;.!?¡¿:]\s*|\n)(m[áa]s)\s+(?!de\b|que\b)[a-zñ]",
                         re.IGNORECASE)
#: A preterite of an -ar verb (pasó, pagó, quedó, tomó): folded, a present or a noun.
_PRETERITE = re.compile(r"[^iíaeou]ó$")
#: A future of an -ar verb (pagará, comunicarán): folded, an imperfect subjunctive.
_AR_FUTURE = re.compile(r"ará[ns]?$")


@dataclass(frozen=True)
class Twin:
    """A word that folding changes into another: ``pasó`` sent as ``paso``."""

    word: str
    folded: str
    reads_as: str

    def __str__(self) -> str:
        return f"{self.word} → {self.reads_as}"


def meaning_changes(text: str) -> list[Twin]:
    """Return the words of a Spanish text that accent folding turns into other words."""
    found: dict[str, Twin] = {}
    for match in _MAS_AS_BUT.finditer(text):
        if match.group(1).lower() == "más":
            found["más"] = Twin(match.group(1), "mas", "mas (but)")
    for word in _WORD.findall(text):
        lower = word.lower()
        folded = fold_to_gsm7(word)
        if folded is None or folded == word or lower in found:
            continue
        reads_as = TWINS.get(lower)
        if reads_as is None and (_PRETERITE.search(lower) or _AR_FUTURE.search(lower)):
            reads_as = f"{folded.lower()} (another tense)"
        if reads_as is not None:
            found[lower] = Twin(word, folded, reads_as)
    return list(found.values())
