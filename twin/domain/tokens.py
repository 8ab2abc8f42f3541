"""Token counting: ONE deterministic function for count_tokens and for `usage.input_tokens`.

The twin has no tokenizer; it approximates one (about four characters of English per token,
words and punctuation counted separately) deterministically, so that the same request always
counts the same and count_tokens agrees with the usage of the answer to that request.
"""

from __future__ import annotations

import re

import msgspec

from .validation import Conversation

_PIECES = re.compile(r"\w+|[^\w\s]", re.UNICODE)
MESSAGE_OVERHEAD = 3  # role and separators of each turn
REQUEST_OVERHEAD = 4


def text_tokens(text: str) -> int:
    """Tokens of a piece of text: a word of n characters is ceil(n / 6) tokens, punctuation one."""
    return sum((len(piece) + 5) // 6 for piece in _PIECES.findall(text))


def count_input_tokens(conversation: Conversation) -> int:
    total = REQUEST_OVERHEAD
    total += sum(text_tokens(block.text) for block in conversation.system)
    for turn in conversation.turns:
        total += MESSAGE_OVERHEAD
        for block in turn.blocks:
            total += text_tokens(msgspec.json.encode(block).decode())
    for tool in conversation.tools:
        total += text_tokens(msgspec.json.encode(tool).decode())
    return total
