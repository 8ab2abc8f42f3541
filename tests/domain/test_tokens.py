"""The token approximation: the fast count equals the documented rule (ceil(n/6) per word, 1 per mark)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from twin.domain.tokens import text_tokens


def reference(text: str) -> int:
    return sum((len(piece) + 5) // 6 for piece in re.findall(r"\w+|[^\w\s]", text))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_fast_count_matches_the_rule(text: str) -> None:
    assert text_tokens(text) == reference(text)
