"""Danish words for the vocabulary's values, for select boxes."""

from __future__ import annotations

DELIVERIES = [
    ("digital_post", "Digital Post"),
    ("post", "Almindelig post"),
    ("quickpost", "Quickpost"),
    ("handed_over", "Udleveret personligt"),
    ("oral", "Mundtlig afgørelse"),
]
CHANNELS = [("written", "Brev"), ("digital", "Digitalt (e-mail, selvbetjening, Digital Post)"), ("oral", "Mundtligt")]
KINDS = [("realitet", "Realitetsklage"), ("formalitet", "Formalitetsklage")]
REPRESENTATIVES = [
    ("", "Ingen – borgeren klager selv"),
    ("professional", "Professionel (advokat, organisation)"),
    ("relative", "Pårørende"),
    ("vaerge", "Værge"),
    ("other", "Anden"),
]
