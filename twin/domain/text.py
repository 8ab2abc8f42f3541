"""Synthetic answer text: deterministic per request, plausible, and built from the prompt's words."""

from __future__ import annotations

import random
import re

_OPENERS = ["Sure.", "Here is a short answer.", "Good question.", "In short:", "Let me explain."]
_FILLER = [
    "the",
    "twin",
    "answers",
    "with",
    "synthetic",
    "text",
    "that",
    "stays",
    "the",
    "same",
    "for",
    "the",
    "same",
    "request",
    "and",
    "changes",
    "when",
    "the",
    "request",
    "changes",
    "so",
    "tests",
    "can",
    "rely",
    "on",
    "it",
    "while",
    "clients",
    "see",
    "realistic",
    "shapes",
]
_WORDS = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")


def answer_words(prompt: str, rng: random.Random) -> list[str]:
    """A reply as a list of word tokens (each roughly one token), 20-120 words long."""
    topics = [word.lower() for word in _WORDS.findall(prompt)][-40:] or _FILLER[:6]
    length = rng.randint(20, 120)
    words = rng.choice(_OPENERS).split()
    while len(words) < length:
        sentence = [rng.choice(topics) for _ in range(rng.randint(2, 5))]
        sentence += [rng.choice(_FILLER) for _ in range(rng.randint(4, 9))]
        sentence[0] = sentence[0].capitalize()
        sentence[-1] += "."
        words += sentence
    return words[:length]
