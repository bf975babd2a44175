"""Refuse text that cannot be stored before any handler sees it.

PostgreSQL's text type cannot hold the NUL character (U+0000), and a lone UTF-16 surrogate (JSON allows
"\\ud800") cannot be encoded as UTF-8 at all. Either one would reach the database as an error deep inside
a handler (a 500, possibly after a workflow step was taken). One app-level dependency checks the path,
the query and the body — JSON, form or multipart — and answers 422 naming the field, before anything
happens. A caseworker or a citizen never types these characters; a broken client or a fuzzer does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import Request

from web.problems import FieldError, Problem

RULE = "unstorable_character"


def _unstorable(text: str) -> bool:
    return "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text)


def _walk(value: Any, path: str) -> Iterator[str]:
    """The dotted paths of every string (key or value) in a JSON document that cannot be stored."""
    if isinstance(value, str):
        if _unstorable(value):
            yield path or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if _unstorable(str(key)):
                yield child
            yield from _walk(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}.{index}" if path else str(index))


async def _body_fields(request: Request) -> Iterator[str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()  # cached by Starlette: the handler reads the same form
        return (key for key, value in form.multi_items() if isinstance(value, str) and (_unstorable(key) or _unstorable(value)))
    body = await request.body()  # cached likewise
    if body and (content_type == "application/json" or content_type.endswith("+json")):
        try:
            document = json.loads(body)
        except ValueError:
            return iter(())  # the handler's own validation names the broken JSON
        return _walk(document, "")
    return iter(())


async def refuse_unstorable_text(request: Request) -> None:
    fields = [f"path.{name}" for name, value in request.path_params.items() if _unstorable(str(value))]
    fields += [name for name, value in request.query_params.multi_items() if _unstorable(name) or _unstorable(value)]
    fields += list(await _body_fields(request))
    if fields:
        raise unstorable_text(sorted(set(fields)))


def unstorable_text(fields: list[str]) -> Problem:
    message_en = "contains a character that cannot be stored (NUL or a lone surrogate); remove it"
    message_da = "Indeholder et tegn, der ikke kan gemmes (et NUL-tegn eller et ufuldstændigt tegn). Fjern det."
    return Problem(
        422,
        "validation",
        title="Invalid request",
        title_da="Ugyldig forespørgsel",
        detail="; ".join(f"{field}: {message_en}" for field in fields),
        detail_da="; ".join(f"{field}: {message_da}" for field in fields),
        errors=[FieldError(field=field, rule=RULE, message_da=message_da, message_en=message_en) for field in fields],
    )
