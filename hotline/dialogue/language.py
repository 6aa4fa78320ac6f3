"""Guess a worker's language from a first message, or admit we can't.

Any Hangul means Korean. Otherwise Spanish and English are told apart by common words,
written the way workers text (no accents, typos, English work words inside Spanish).
Greetings shared by both ("hi", "ok") and bare numbers or emoji stay undecided, so the
worker is asked instead of guessed at.
"""

from __future__ import annotations

import re

from hotline.dialogue.keywords import normalize

_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_SPANISH_LETTERS = re.compile("[ñ¿¡áíóúé]", re.IGNORECASE)
_WORD = re.compile(r"[a-z']+")

_SPANISH = frozenset(
    """
    hola buenas buenos dias tardes noches ayuda ayudame porfavor favor gracias necesito
    quiero tengo trabajo trabaja trabajar trabajando trabaje patron patrona jefe jefa dueno
    duena pago pagan paga pagaron pague pagar pagado sueldo salario salarios minimo horas
    extras extra descanso descansos almuerzo comida propinas propina despidieron despedido
    despedida corrieron me mi mis nos no el la los las un una que q porque por para con sin
    de del en es son esta estoy estan como cuanto cuanta cuando donde hay pero tambien
    semana semanas mes dinero cheque derechos queja denuncia reportar enfermo enferma
    enfermedad calor seguridad accidente lastimado migracion papeles inmigrante onda info
    informacion saber si usted ustedes hablo espanol castellano oiga oye disculpe señor
    """.split()
)

_ENGLISH = frozenset(
    """
    hello hey good morning afternoon evening help please thanks thank need want have work
    working worked job boss owner manager pay paid pays didnt didn't dont don't not never
    wage wages salary minimum hours overtime break breaks lunch tips tip fired firing
    the a an my our we i you they them is are was were what how much when where why who
    for with without of to in on at and or but this that it check paycheck week weeks
    month money rights complaint report sick leave heat safety injured hurt accident
    immigration papers speak english about after asked take took get got
    """.split()
)


def detect(text: str) -> str | None:
    """Return "ko", "es", "en", or None when a first message doesn't say enough."""
    if _HANGUL.search(text):
        return "ko"
    if _SPANISH_LETTERS.search(text):
        return "es"
    words = _WORD.findall(normalize(text))
    spanish = sum(1 for w in words if w in _SPANISH)
    english = sum(1 for w in words if w in _ENGLISH)
    if spanish and spanish >= english:
        return "es"
    if english:
        return "en"
    return None
