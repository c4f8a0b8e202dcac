#!/usr/bin/env python3
"""Stems from NLTK's PorterStemmer (the one rouge_score uses for use_stemmer=True), for
LowBit's PorterStemmer. Run by hand (pip install nltk rouge-score):

    python3 Tests/ProbeTests/Fixtures/porter/make_porter_fixture.py
        writes porter.json next to this script: {"nltk": version, "stems": {word: stem}}

Words: every rouge_score token of the shipped MUSE-layout data (Models/data), a quarter of
the distinct tokens of Python's documentation topics (pydoc_data), plus words
chosen for the rules' edge cases (Porter's own examples, NLTK's irregular forms, y rules,
double consonants, digits).
"""
import json, re
from pathlib import Path
import nltk
from nltk.stem import porter
from rouge_score import tokenize

root = Path(__file__).resolve().parents[4]
words = set()
for f in (root / "Models" / "data").rglob("*"):
    if f.suffix in (".json", ".txt"):
        words.update(tokenize.tokenize(f.read_text(encoding="utf-8"), None))
edge = """caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized hopping
tanned falling hissing fizzed failing filing happy sky relational conditional rational valenci hesitanci digitizer
conformabli radicalli differentli vileli analogousli vietnamization predication operator feudalism decisiveness
hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative formalize electriciti electrical
hopeful goodness revival allowance inference airliner gyroscopic adjustable defensible irritant replacement
adjustment dependent adoption homologou communism activate angulariti homologous effective bowdlerize probate
rate cease controll roll skies dying lying tying news innings inning outings outing cannings canning howe proceed
exceed succeed ied dies tied cried spied yyyy syzygy toy boy enjoying played saying eye yes yell analogi
fulli hopefulli generalli logically 1987 2024s abc123 x9y zzz aaaa ooze oxen agreement generously""".split()
words.update(edge)
# English prose: Python's own documentation topics (pydoc_data), every 4th distinct token.
import pydoc_data.topics
prose = sorted(set(tokenize.tokenize(" ".join(pydoc_data.topics.topics.values()), None)))
words.update(w for i, w in enumerate(prose) if i % 4 == 0 and not w.isdigit())
ps = porter.PorterStemmer()
stems = {w: ps.stem(w) for w in sorted(words) if len(w) > 0}
out = {"nltk": nltk.__version__, "stems": stems}
Path(__file__).with_name("porter.json").write_text(json.dumps(out, indent=0, sort_keys=True) + "\n")
print(len(stems), "words")
