"""The synthetic model: `respond(conversation, context) -> Completion`. Pure and deterministic.

The same request (see seed.py) gets the same content, usage and stop reason on any worker,
any day. Honest limits: `max_tokens` cuts the content (stop_reason "max_tokens", output_tokens
<= max_tokens); a stop sequence that would occur ends the text there (stop_reason
"stop_sequence", the sequence itself not included); an assistant prefill is continued, not
echoed.
"""

from __future__ import annotations

from twin.wire.response import TextBlock, Usage

from .completion import BlockPlan, Completion, ModelContext
from .seed import request_seed, rng
from .text import answer_words
from .tokens import count_input_tokens
from .validation import Conversation


def respond(conversation: Conversation, context: ModelContext) -> Completion:
    seed = request_seed(conversation.request)
    prompt = conversation.last_user_turn.text() if conversation.last_user_turn else ""
    words = answer_words(prompt, rng(seed, "text"))
    pieces = [(" " if index or conversation.prefill else "") + word for index, word in enumerate(words)]
    stop_reason = "end_turn"
    limit = conversation.max_tokens
    if limit is not None and len(pieces) > limit:
        pieces, stop_reason = pieces[:limit], "max_tokens"
    text = "".join(pieces)
    stop_sequence = None
    for sequence in conversation.stop_sequences:
        at = text.find(sequence)
        if at != -1 and (stop_sequence is None or at < text.find(stop_sequence)):
            stop_sequence = sequence
    if stop_sequence is not None:
        text = text[: text.find(stop_sequence)]
        stop_reason = "stop_sequence"
        pieces = _repiece(pieces, len(text))
    blocks = (BlockPlan(TextBlock(text=text), tuple(pieces)),) if text else ()
    usage = Usage(input_tokens=count_input_tokens(conversation), output_tokens=max(1, len(pieces)))
    return Completion(blocks, stop_reason, stop_sequence, usage)  # type: ignore[arg-type]


def _repiece(pieces: list[str], length: int) -> list[str]:
    """The pieces cut so that they concatenate to the first `length` characters."""
    kept: list[str] = []
    used = 0
    for piece in pieces:
        if used + len(piece) >= length:
            if length > used:
                kept.append(piece[: length - used])
            break
        kept.append(piece)
        used += len(piece)
    return kept
