"""Request content blocks: what may appear in ``messages[].content`` and ``system``.

Mirrors ``anthropic.types.*_param`` (SDK 2.12.0). Every block is a msgspec Struct
tagged by its ``type``; the content union is therefore decoded in one pass, and an
unknown ``type`` becomes the real API's ``Input tag '<t>' found using 'type' does not
match any of the expected tags: ...``.

Response blocks echoed back verbatim (``Message.to_param()``) decode here too: the
response-only keys they carry (``citations: null``, ``caller``, ``toolset_name``,
``file_id`` in citations) are declared as optional fields.

Free-form JSON (a tool call's ``input``, a server tool's result ``content``) is kept
as :class:`msgspec.Raw` or plain Python objects so that decoding stays fast; use
:func:`raw_to_dict` when the parsed value is needed.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, TypeAlias

import msgspec
from msgspec import UNSET, Raw, UnsetType

from twin.wire.base import RequestStruct

__all__ = [
    "IMAGE_MEDIA_TYPES",
    "TOOL_ID_PATTERN",
    "Base64ImageSource",
    "Base64PDFSource",
    "BashCodeExecutionToolResultParam",
    "BrowserStateParam",
    "CacheControl",
    "Caller",
    "CharLocationCitation",
    "Citation",
    "CitationsConfig",
    "CodeExecutionToolResultParam",
    "ContainerUploadParam",
    "ContentBlockLocationCitation",
    "ContentBlockParam",
    "ContentBlockSource",
    "DirectCaller",
    "DocumentParam",
    "DocumentSource",
    "FileDocumentSource",
    "FileImageSource",
    "ImageParam",
    "ImageSource",
    "ImageTransformations",
    "PageLocationCitation",
    "PlainTextSource",
    "RedactedThinkingParam",
    "SearchResultLocationCitation",
    "SearchResultParam",
    "ServerToolCaller",
    "ServerToolCaller20260120",
    "ServerToolUseParam",
    "TextEditorCodeExecutionToolResultParam",
    "TextParam",
    "ThinkingParam",
    "ToolReferenceParam",
    "ToolResultContent",
    "ToolResultParam",
    "ToolSearchToolResultParam",
    "ToolUseParam",
    "URLImageSource",
    "URLPDFSource",
    "WebFetchToolResultParam",
    "WebSearchResultLocationCitation",
    "WebSearchToolResultParam",
    "raw_to_dict",
]

IMAGE_MEDIA_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
#: ``tool_use.id`` / ``tool_result.tool_use_id`` ("String should match pattern" on the real API).
TOOL_ID_PATTERN = "^[a-zA-Z0-9_-]+$"

ToolId = Annotated[str, msgspec.Meta(pattern=TOOL_ID_PATTERN)]


def raw_to_dict(raw: Raw) -> dict[str, Any]:
    """Parse a kept-raw JSON object (e.g. ``ToolUseParam.input``) into a dict."""
    value = msgspec.json.decode(raw)
    if not isinstance(value, dict):  # pragma: no cover - the decoder only admits objects
        raise TypeError("expected a JSON object")
    return value


class _Block(RequestStruct, tag_field="type"):
    """A member of a ``type``-tagged union."""


# --- cache control, callers -------------------------------------------------------


class CacheControl(RequestStruct):
    """``{"type":"ephemeral","ttl"?:"5m"|"1h"}`` (default TTL 5 minutes)."""

    type: Literal["ephemeral"]
    ttl: Literal["5m", "1h"] | UnsetType = UNSET


class DirectCaller(_Block, tag="direct"):
    """The tool call came straight from the model."""

    type: ClassVar[str] = "direct"


class ServerToolCaller(_Block, tag="code_execution_20250825"):
    """The tool call came from code running in the code-execution tool."""

    type: ClassVar[str] = "code_execution_20250825"
    tool_id: str


class ServerToolCaller20260120(_Block, tag="code_execution_20260120"):
    """Like :class:`ServerToolCaller`, for ``code_execution_20260120``."""

    type: ClassVar[str] = "code_execution_20260120"
    tool_id: str


Caller: TypeAlias = DirectCaller | ServerToolCaller | ServerToolCaller20260120


# --- citations ----------------------------------------------------------------------


class CharLocationCitation(_Block, tag="char_location"):
    type: ClassVar[str] = "char_location"
    cited_text: str
    document_index: int
    document_title: str | None
    start_char_index: int
    end_char_index: int
    file_id: str | UnsetType | None = UNSET


class PageLocationCitation(_Block, tag="page_location"):
    type: ClassVar[str] = "page_location"
    cited_text: str
    document_index: int
    document_title: str | None
    start_page_number: int
    end_page_number: int
    file_id: str | UnsetType | None = UNSET


class ContentBlockLocationCitation(_Block, tag="content_block_location"):
    type: ClassVar[str] = "content_block_location"
    cited_text: str
    document_index: int
    document_title: str | None
    start_block_index: int
    end_block_index: int
    file_id: str | UnsetType | None = UNSET


class WebSearchResultLocationCitation(_Block, tag="web_search_result_location"):
    type: ClassVar[str] = "web_search_result_location"
    cited_text: str
    encrypted_index: str
    title: str | None
    url: str


class SearchResultLocationCitation(_Block, tag="search_result_location"):
    type: ClassVar[str] = "search_result_location"
    cited_text: str
    search_result_index: int
    source: str
    title: str | None
    start_block_index: int
    end_block_index: int


Citation: TypeAlias = (
    CharLocationCitation
    | PageLocationCitation
    | ContentBlockLocationCitation
    | WebSearchResultLocationCitation
    | SearchResultLocationCitation
)


class CitationsConfig(RequestStruct):
    """``{"enabled"?: bool}`` on documents and search results."""

    enabled: bool | UnsetType = UNSET


# --- text, images, documents -------------------------------------------------------


class TextParam(_Block, tag="text"):
    """``{"type":"text","text":...}``; ``citations`` non-empty only on echoed answers."""

    type: ClassVar[str] = "text"
    text: str
    cache_control: CacheControl | None = None
    citations: list[Citation] | None = None


class Base64ImageSource(_Block, tag="base64"):
    type: ClassVar[str] = "base64"
    data: str
    media_type: Literal["image/jpeg", "image/png", "image/gif", "image/webp"]


class URLImageSource(_Block, tag="url"):
    type: ClassVar[str] = "url"
    url: str


class FileImageSource(_Block, tag="file"):
    type: ClassVar[str] = "file"
    file_id: str


ImageSource: TypeAlias = Base64ImageSource | URLImageSource | FileImageSource


class ImageTransformations(RequestStruct):
    """``{"oversized_image"?: "downsize" | "error"}``."""

    oversized_image: Literal["downsize", "error"] | UnsetType = UNSET


class ImageParam(_Block, tag="image"):
    type: ClassVar[str] = "image"
    source: ImageSource
    cache_control: CacheControl | None = None
    transformations: ImageTransformations | None = None


class Base64PDFSource(_Block, tag="base64"):
    type: ClassVar[str] = "base64"
    data: str
    media_type: Literal["application/pdf"]


class PlainTextSource(_Block, tag="text"):
    type: ClassVar[str] = "text"
    data: str
    media_type: Literal["text/plain"]


class ContentBlockSource(_Block, tag="content"):
    type: ClassVar[str] = "content"
    content: str | list[TextParam | ImageParam]


class URLPDFSource(_Block, tag="url"):
    type: ClassVar[str] = "url"
    url: str


class FileDocumentSource(_Block, tag="file"):
    type: ClassVar[str] = "file"
    file_id: str


DocumentSource: TypeAlias = Base64PDFSource | PlainTextSource | ContentBlockSource | URLPDFSource | FileDocumentSource


class DocumentParam(_Block, tag="document"):
    type: ClassVar[str] = "document"
    source: DocumentSource
    cache_control: CacheControl | None = None
    citations: CitationsConfig | None = None
    context: str | None = None
    title: str | None = None


class SearchResultParam(_Block, tag="search_result"):
    type: ClassVar[str] = "search_result"
    content: list[TextParam]
    source: str
    title: str
    cache_control: CacheControl | None = None
    citations: CitationsConfig | UnsetType = UNSET


# --- thinking -------------------------------------------------------------------------


class ThinkingParam(_Block, tag="thinking"):
    """A thinking block echoed back; it must be unmodified (the signature proves it)."""

    type: ClassVar[str] = "thinking"
    signature: str
    thinking: str


class RedactedThinkingParam(_Block, tag="redacted_thinking"):
    type: ClassVar[str] = "redacted_thinking"
    data: str


# --- client tools -----------------------------------------------------------------------


class ToolUseParam(_Block, tag="tool_use"):
    """An assistant's earlier tool call. ``input`` is kept raw (a JSON object)."""

    type: ClassVar[str] = "tool_use"
    id: ToolId
    name: str
    input: Raw
    cache_control: CacheControl | None = None
    caller: Caller | UnsetType = UNSET
    toolset_name: str | None = None

    def input_dict(self) -> dict[str, Any]:
        """The call's input, parsed."""
        return raw_to_dict(self.input)


class ToolReferenceParam(_Block, tag="tool_reference"):
    """Inside a ``tool_result``: points at a deferred tool by name."""

    type: ClassVar[str] = "tool_reference"
    tool_name: str
    cache_control: CacheControl | None = None


class BrowserStateParam(_Block, tag="browser_state"):
    """Inside a ``tool_result`` of the browser toolset (kept loosely typed)."""

    type: ClassVar[str] = "browser_state"
    tabs: list[dict[str, Any]]
    cache_control: CacheControl | None = None
    state_changes: list[dict[str, Any]] | None = None


ToolResultContent: TypeAlias = (
    TextParam | ImageParam | SearchResultParam | DocumentParam | ToolReferenceParam | BrowserStateParam
)


class ToolResultParam(_Block, tag="tool_result"):
    """The user's answer to a ``tool_use`` of the preceding assistant turn."""

    type: ClassVar[str] = "tool_result"
    tool_use_id: ToolId
    content: str | list[ToolResultContent] | UnsetType = UNSET
    is_error: bool | UnsetType = UNSET
    cache_control: CacheControl | None = None
    toolset_name: str | None = None


# --- server tools (calls and results echoed back) ----------------------------------------

ServerToolName: TypeAlias = Literal[
    "web_search",
    "web_fetch",
    "code_execution",
    "bash_code_execution",
    "text_editor_code_execution",
    "tool_search_tool_regex",
    "tool_search_tool_bm25",
]


class ServerToolUseParam(_Block, tag="server_tool_use"):
    type: ClassVar[str] = "server_tool_use"
    id: str
    name: ServerToolName
    input: Raw
    cache_control: CacheControl | None = None
    caller: Caller | UnsetType = UNSET

    def input_dict(self) -> dict[str, Any]:
        """The call's input, parsed."""
        return raw_to_dict(self.input)


class WebSearchToolResultParam(_Block, tag="web_search_tool_result"):
    type: ClassVar[str] = "web_search_tool_result"
    tool_use_id: str
    content: Any
    cache_control: CacheControl | None = None
    caller: Caller | UnsetType = UNSET


class WebFetchToolResultParam(_Block, tag="web_fetch_tool_result"):
    type: ClassVar[str] = "web_fetch_tool_result"
    tool_use_id: str
    content: Any
    cache_control: CacheControl | None = None
    caller: Caller | UnsetType = UNSET


class CodeExecutionToolResultParam(_Block, tag="code_execution_tool_result"):
    type: ClassVar[str] = "code_execution_tool_result"
    tool_use_id: str
    content: Any
    cache_control: CacheControl | None = None


class BashCodeExecutionToolResultParam(_Block, tag="bash_code_execution_tool_result"):
    type: ClassVar[str] = "bash_code_execution_tool_result"
    tool_use_id: str
    content: Any
    cache_control: CacheControl | None = None


class TextEditorCodeExecutionToolResultParam(_Block, tag="text_editor_code_execution_tool_result"):
    type: ClassVar[str] = "text_editor_code_execution_tool_result"
    tool_use_id: str
    content: Any
    cache_control: CacheControl | None = None


class ToolSearchToolResultParam(_Block, tag="tool_search_tool_result"):
    type: ClassVar[str] = "tool_search_tool_result"
    tool_use_id: str
    content: Any
    cache_control: CacheControl | None = None


class ContainerUploadParam(_Block, tag="container_upload"):
    type: ClassVar[str] = "container_upload"
    file_id: str
    cache_control: CacheControl | None = None


#: ``ContentBlockParam`` of the SDK, in the SDK's order (the order of "expected tags").
ContentBlockParam: TypeAlias = (
    TextParam
    | ImageParam
    | DocumentParam
    | SearchResultParam
    | ThinkingParam
    | RedactedThinkingParam
    | ToolUseParam
    | ToolResultParam
    | ServerToolUseParam
    | WebSearchToolResultParam
    | WebFetchToolResultParam
    | CodeExecutionToolResultParam
    | BashCodeExecutionToolResultParam
    | TextEditorCodeExecutionToolResultParam
    | ToolSearchToolResultParam
    | ContainerUploadParam
)
