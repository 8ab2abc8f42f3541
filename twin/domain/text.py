"""Synthetic answer text: deterministic per request, readable, and built from the prompt's words.

Sentences come from templates filled with the prompt's content words (stop words left out),
picked by a generator seeded with the request's canonical hash: the same request gets the same
reply, and different prompts get different ones (different topics and a different seed).
"""

from __future__ import annotations

import functools
import random
import re

_OPENERS = [
    "Sure.",
    "Here is a short answer.",
    "Good question.",
    "In short:",
    "Let me explain.",
    "Happy to help.",
    "Here's how I see it.",
]
_TEMPLATES = [
    "{A} is worth looking at from a few angles.",
    "In short, {a} depends mostly on {b}.",
    "A common approach to {a} is to start small and iterate.",
    "It helps to consider how {a} relates to {b}.",
    "The key idea behind {a} is to keep things consistent.",
    "When {a} comes up, {b} usually matters too.",
    "One practical step is to write down what {a} should achieve.",
    "{A} and {b} often go together, but not always.",
    "A quick check of {a} can save time later.",
    "There is no single right answer about {a}, but {b} is a good place to start.",
    "Think of {a} as a trade-off between {b} and {c}.",
    "Most of the time, {a} is simpler than it looks.",
    "If {a} feels unclear, try an example with {b}.",
    "Keep {a} in mind while you work on {c}.",
    "That covers {a} at a high level.",
]
_FALLBACK = ["the question", "the context", "the details", "the goal", "the next step"]
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "are",
        "was",
        "were",
        "been",
        "being",
        "have",
        "has",
        "had",
        "does",
        "did",
        "doing",
        "can",
        "could",
        "should",
        "would",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "about",
        "into",
        "onto",
        "from",
        "over",
        "under",
        "than",
        "then",
        "them",
        "they",
        "their",
        "there",
        "here",
        "your",
        "you",
        "yours",
        "our",
        "ours",
        "his",
        "her",
        "its",
        "not",
        "but",
        "also",
        "just",
        "only",
        "very",
        "please",
        "tell",
        "give",
        "show",
        "let",
        "make",
        "some",
        "any",
        "all",
        "each",
        "every",
        "more",
        "most",
        "much",
        "many",
        "such",
        "like",
        "use",
        "using",
    ]
)
_WORDS = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")


@functools.lru_cache(maxsize=1024)
def _topics(prompt: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for word in _WORDS.findall(prompt):
        lowered = word.lower()
        if lowered not in _STOP:
            seen.setdefault(lowered, None)
    return tuple(seen)[-40:]


def topics_of(prompt: str) -> list[str]:
    """The prompt's content words, in order, without repeats (at most the last 40)."""
    return list(_topics(prompt))


def pick_three(topics: list[str], rng: random.Random) -> tuple[str, str, str]:
    """Three topics, distinct when the prompt has enough of them (three draws of `rng.random()`)."""
    draw = rng.random
    n = len(topics)
    if n >= 3:
        i = int(draw() * n)
        j = int(draw() * (n - 1))
        j += j >= i
        low, high = (i, j) if i < j else (j, i)
        k = int(draw() * (n - 2))
        k += k >= low
        k += k >= high
        return topics[i], topics[j], topics[k]
    return topics[int(draw() * n)], topics[int(draw() * n)], topics[int(draw() * n)]


def answer_words(prompt: str, rng: random.Random, limit: int | None = None) -> list[str]:
    """A reply as a list of word tokens (each roughly one token), about 20-120 words, whole sentences.

    `limit` stops early once that many words exist (the caller keeps at most `limit`): the words
    made are exactly the first ones of the unlimited reply, so a small `max_tokens` costs little.
    """
    topics = topics_of(prompt) or _FALLBACK
    draw = rng.random
    length = 20 + int(draw() * 101)
    if limit is not None:
        length = min(length, limit)
    words = _OPENERS[int(draw() * len(_OPENERS))].split()
    while len(words) < length:
        a, b, c = pick_three(topics, rng)
        sentence = _TEMPLATES[int(draw() * len(_TEMPLATES))].format(A=a[:1].upper() + a[1:], a=a, b=b, c=c)
        words += sentence.split()
    return words
