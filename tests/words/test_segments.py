import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.words.segments import (
    Encoding,
    Segments,
    capacity,
    fold_to_gsm7,
    graphemes,
    is_gsm7,
    measure,
    non_gsm_chars,
)

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "\f^{}\\[~]|€"
HANGUL = "가"
EMOJI = "😀"

gsm7_char = st.sampled_from(GSM7_BASIC + GSM7_EXTENSION)
# Mostly GSM-7, with the characters that change the arithmetic: accents, Hangul, emoji.
sms_char = st.one_of(
    gsm7_char,
    st.sampled_from(["á", "’", HANGUL, EMOJI, "🇰🇷"[0]]),
    st.characters(codec="utf-8"),
)
gsm7_basic_text = st.text(alphabet=GSM7_BASIC)
gsm7_text = st.text(alphabet=gsm7_char)
long_gsm7_text = st.text(alphabet=gsm7_char, min_size=140, max_size=480)
any_text = st.one_of(
    st.text(alphabet=sms_char),
    long_gsm7_text,
    st.text(alphabet=sms_char, min_size=60, max_size=250),
)


# Encoding


def test_the_basic_table_has_127_characters_and_the_extension_table_10() -> None:
    assert len(set(GSM7_BASIC)) == 127
    assert len(set(GSM7_EXTENSION)) == 10


def test_every_basic_and_extension_character_is_gsm7() -> None:
    assert is_gsm7(GSM7_BASIC + GSM7_EXTENSION)
    assert non_gsm_chars(GSM7_BASIC + GSM7_EXTENSION) == []


@pytest.mark.parametrize(
    "char",
    ["á", "í", "ó", "ú", "ç", "â", "ã", "À", "\t", "`", "’", "“", "–", "…", "\u00a0", HANGUL,
     EMOJI, "ε", "\x1b"],
)
def test_characters_outside_gsm7_make_the_message_ucs2(char: str) -> None:
    assert not is_gsm7(f"Hola {char}")
    assert measure(f"Hola {char}").encoding is Encoding.UCS2


def test_capital_c_cedilla_is_gsm7_but_small_c_cedilla_is_not() -> None:
    assert is_gsm7("Ç")
    assert not is_gsm7("ç")


def test_one_hangul_syllable_makes_the_message_ucs2() -> None:
    assert measure("a" * 100).encoding is Encoding.GSM7
    assert measure("a" * 100 + HANGUL) == Segments(Encoding.UCS2, 101, 2)


def test_encoding_serializes_as_its_name() -> None:
    assert Encoding.GSM7 == "GSM-7"
    assert Encoding.UCS2 == "UCS-2"


# Counting GSM-7


def test_empty_text_is_one_segment_of_nothing() -> None:
    assert measure("") == Segments(Encoding.GSM7, 0, 1)


def test_160_plain_characters_fit_one_segment() -> None:
    segments = measure("a" * 160)
    assert segments == Segments(Encoding.GSM7, 160, 1)
    assert segments.per_segment == 160


def test_161_characters_take_two_segments_of_153() -> None:
    segments = measure("a" * 161)
    assert segments == Segments(Encoding.GSM7, 161, 2)
    assert segments.per_segment == 153


@pytest.mark.parametrize(
    ("length", "count"),
    [(0, 1), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4), (1530, 10)],
)
def test_plain_gsm7_segment_boundaries(length: int, count: int) -> None:
    assert measure("a" * length) == Segments(Encoding.GSM7, length, count)


@pytest.mark.parametrize("char", list(GSM7_EXTENSION))
def test_extension_characters_count_double(char: str) -> None:
    assert measure(char) == Segments(Encoding.GSM7, 2, 1)
    assert measure("a" * 158 + char).count == 1
    assert measure("a" * 159 + char) == Segments(Encoding.GSM7, 161, 2)


def test_accented_letters_in_the_basic_table_count_single() -> None:
    text = "¿Qué pasa? ¡Año niño, Ñandú!".replace("ú", "ù")
    assert measure(text) == Segments(Encoding.GSM7, len(text), 1)


def test_extension_character_is_not_split_across_segments() -> None:
    # 152 septets leave one free in segment 1; "€" needs two, so it opens segment 2.
    text = "a" * 152 + "€" + "a" * 152
    assert measure(text) == Segments(Encoding.GSM7, 306, 3)
    # The same 306 septets with nothing to split fit in two.
    assert measure("a" * 306).count == 2
    # One septet earlier and the escape sequence fits: 153 + 153.
    assert measure("a" * 151 + "€" + "a" * 153) == Segments(Encoding.GSM7, 306, 2)


def test_carried_extension_character_can_push_a_third_segment() -> None:
    text = "a" * 152 + "€" + "a" * 151
    assert measure(text) == Segments(Encoding.GSM7, 305, 2)
    assert measure(text + "a") == Segments(Encoding.GSM7, 306, 3)


# Counting UCS-2


@pytest.mark.parametrize(
    ("length", "count"),
    [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_ucs2_segment_boundaries(length: int, count: int) -> None:
    assert measure(HANGUL * length) == Segments(Encoding.UCS2, length, count)


def test_70_hangul_fit_one_segment_and_71_take_two() -> None:
    assert measure(HANGUL * 70) == Segments(Encoding.UCS2, 70, 1)
    assert measure(HANGUL * 70).per_segment == 70
    assert measure(HANGUL * 71) == Segments(Encoding.UCS2, 71, 2)
    assert measure(HANGUL * 71).per_segment == 67


def test_extension_characters_count_single_in_ucs2() -> None:
    assert measure(HANGUL + "€[]").units == 4


def test_emoji_count_as_two_code_units() -> None:
    assert measure(EMOJI) == Segments(Encoding.UCS2, 2, 1)
    assert measure(EMOJI * 35) == Segments(Encoding.UCS2, 70, 1)
    assert measure(EMOJI * 35 + "a") == Segments(Encoding.UCS2, 71, 2)


def test_surrogate_pair_is_not_split_across_segments() -> None:
    # 66 units leave one free in segment 1; the emoji needs two, so it opens segment 2.
    text = "a" * 65 + HANGUL + EMOJI + "b" * 66
    assert measure(text) == Segments(Encoding.UCS2, 134, 3)
    assert measure(HANGUL * 134).count == 2
    assert measure("a" * 64 + HANGUL + EMOJI + "b" * 67) == Segments(Encoding.UCS2, 134, 2)


def test_emoji_only_multipart_wastes_one_unit_per_segment() -> None:
    # 67 is odd, so each segment holds 33 emoji and one unit stays empty.
    assert measure(EMOJI * 66).count == 2
    assert measure(EMOJI * 67).count == 3


# Grapheme clusters, as Twilio bills them (its calculator never splits a cluster)

SKIN_TONE = "👍🏽"  # 👍 + U+1F3FD: 4 code units, one cluster
FAMILY = "👨\u200d👩\u200d👧"  # three emoji joined by ZWJ: 8 code units, one cluster
KEYCAP = "1\ufe0f\u20e3"  # 1️⃣: 3 code units, one cluster


@pytest.mark.parametrize(("cluster", "units"), [(SKIN_TONE, 4), (FAMILY, 8), (KEYCAP, 3),
                                                ("🇰🇷", 4), ("e\u0301", 2)])
def test_an_emoji_sequence_is_one_cluster_of_its_code_units(cluster: str, units: int) -> None:
    assert graphemes(f"a{cluster}b") == ["a", cluster, "b"]
    assert measure(cluster) == Segments(Encoding.UCS2, units, 1)


def test_a_skin_tone_emoji_on_a_boundary_moves_whole_to_the_next_segment() -> None:
    # Counted by code point, 👍 would end segment 1 (65+2 = 67) and its tone open segment
    # 2 (2+64 = 66): two segments. Twilio moves the cluster whole: 65, then 4+63, then 1.
    text = HANGUL * 65 + SKIN_TONE + HANGUL * 64
    assert measure(text) == Segments(Encoding.UCS2, 133, 3)
    assert measure(HANGUL * 63 + SKIN_TONE + HANGUL * 66).count == 2  # it fits: 67 + 67


def test_a_zwj_family_on_a_boundary_moves_whole_to_the_next_segment() -> None:
    # 62 + 8 would overflow 67: the family opens segment 2 (8 + 59 = 67), nothing left over.
    assert measure(HANGUL * 62 + FAMILY + HANGUL * 59) == Segments(Encoding.UCS2, 129, 2)
    assert measure(HANGUL * 62 + FAMILY + HANGUL * 60).count == 3
    assert measure(HANGUL * 59 + FAMILY + HANGUL * 67) == Segments(Encoding.UCS2, 134, 2)


def test_a_keycap_digit_is_ucs2_and_one_cluster() -> None:
    assert measure(f"Reply {KEYCAP}").encoding is Encoding.UCS2
    assert measure("a" * 66 + KEYCAP + "a" * 67) == Segments(Encoding.UCS2, 136, 3)


@pytest.mark.parametrize(("encoding", "segments", "units"), [
    (Encoding.GSM7, 1, 160), (Encoding.GSM7, 2, 306), (Encoding.GSM7, 3, 459),
    (Encoding.UCS2, 1, 70), (Encoding.UCS2, 2, 134), (Encoding.UCS2, 3, 201),
])
def test_capacity_is_what_a_budget_of_segments_holds(encoding: Encoding, segments: int,
                                                    units: int) -> None:
    assert capacity(encoding, segments) == units
    text = ("a" if encoding is Encoding.GSM7 else HANGUL) * units
    assert measure(text).count == segments and measure(text + text[0]).count == segments + 1


# Naming the culprit


def test_non_gsm_chars_names_the_culprit() -> None:
    assert non_gsm_chars("Su pago llegó el lunes") == ["ó"]


def test_non_gsm_chars_lists_each_culprit_once_in_order_of_appearance() -> None:
    assert non_gsm_chars("ó “sí” 😀 ó 가 ’") == ["ó", "“", "í", "”", EMOJI, HANGUL, "’"]


def test_non_gsm_chars_is_empty_for_gsm7_text() -> None:
    assert non_gsm_chars("¿Cuándo?".replace("á", "a") + " {ok} €5") == []


# Folding


def test_spanish_accent_folds_to_gsm7() -> None:
    folded = fold_to_gsm7("¿Cuánto le debían? Información: sí.")
    assert folded == "¿Cuanto le debian? Informacion: si."


def test_folding_keeps_letters_that_already_are_gsm7() -> None:
    assert fold_to_gsm7("¡Año niño! Pagué à München, Åse, Ærø, Straße, École") == (
        "¡Año niño! Pagué à München, Åse, Ærø, Straße, École"
    )


@pytest.mark.parametrize(
    ("original", "folded"),
    [
        ("áíóú", "aiou"),
        ("ÁÍÓÚ", "AIOU"),
        ("âêîôû", "aeiou"),
        ("ãõ", "ao"),
        ("ç", "Ç"),
        ("ïë", "ie"),
        ("‘a’ ‚b", "'a' 'b"),
        ("“a” „b", '"a" "b'),
        ("1–2—3", "1-2-3"),
        ("espere…", "espere..."),
        ("10\u00a0USD", "10 USD"),
        ("l´hora", "l'hora"),
        ("a·b", "a-b"),
        ("• uno", "- uno"),
        ("«salario»", '"salario"'),
        ("ÂÊÎÔÛÃÕÀÈÌÒÙ", "AEIOUAOAEIOU"),
        ("e\u0301", "é"),
        ("a\u0301", "a"),
    ],
)
def test_characters_fold_to_their_gsm7_look_alike(original: str, folded: str) -> None:
    assert fold_to_gsm7(original) == folded


def test_folding_portuguese_keeps_it_gsm7() -> None:
    folded = fold_to_gsm7("Você não recebeu o salário? Ligue já.")
    assert folded == "Voce nao recebeu o salario? Ligue ja."


def test_korean_does_not_fold() -> None:
    assert fold_to_gsm7("안녕하세요, 임금을 못 받으셨나요?") is None


@pytest.mark.parametrize("text", ["Hola 😀", "Hola 가", "工资", "Xin chào ₫", "ελληνικά"])
def test_text_with_any_character_lacking_a_look_alike_does_not_fold(text: str) -> None:
    assert fold_to_gsm7(text) is None


def test_folding_buys_back_the_160_character_segment() -> None:
    text = "Información: " + "á" * 100
    assert measure(text) == Segments(Encoding.UCS2, 113, 2)
    folded = fold_to_gsm7(text)
    assert folded is not None
    assert measure(folded) == Segments(Encoding.GSM7, 113, 1)


# Properties


@given(any_text, sms_char)
def test_appending_a_character_never_lowers_the_count(text: str, char: str) -> None:
    assert measure(text + char).count >= measure(text).count


@given(any_text)
def test_segments_hold_all_the_units(text: str) -> None:
    segments = measure(text)
    assert segments.count * segments.per_segment >= segments.units
    assert segments.count >= 1


@given(any_text)
def test_a_cluster_is_split_off_at_most_once_per_segment(text: str) -> None:
    segments = measure(text)
    if segments.count > 1:
        # Each boundary wastes less than the largest cluster, so no needless segment.
        largest = max(measure(cluster).units for cluster in graphemes(text))
        assert (segments.count - 1) * (segments.per_segment - largest + 1) < segments.units


@given(gsm7_basic_text.filter(lambda text: len(text) <= 160))
def test_gsm7_text_of_at_most_160_plain_characters_is_one_segment(text: str) -> None:
    assert measure(text) == Segments(Encoding.GSM7, len(text), 1)


@given(gsm7_text)
def test_gsm7_units_count_extension_characters_twice(text: str) -> None:
    extension = sum(char in GSM7_EXTENSION for char in text)
    assert measure(text).units == len(text) + extension


@given(any_text)
def test_ucs2_units_are_utf16_code_units(text: str) -> None:
    segments = measure(text)
    if segments.encoding is Encoding.UCS2:
        assert segments.units == len(text.encode("utf-16-le")) // 2


@given(any_text)
def test_folded_text_is_always_gsm7(text: str) -> None:
    folded = fold_to_gsm7(text)
    assert folded is None or is_gsm7(folded)


@given(gsm7_text)
def test_gsm7_text_folds_to_itself(text: str) -> None:
    assert fold_to_gsm7(text) == text


@given(any_text)
def test_text_is_gsm7_exactly_when_no_character_is_to_blame(text: str) -> None:
    culprits = non_gsm_chars(text)
    assert is_gsm7(text) == (culprits == [])
    assert len(culprits) == len(set(culprits))
    assert all(char in text for char in culprits)
