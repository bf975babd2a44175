"""The Jinja2 environment of the pages: where templates live, and what every template can use.

Every template sees `user` (the logged-in `web.auth.User` or None), `csrf_token`, and the global
`csrf_field()`, which writes the hidden form field every form must contain.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from jinja2 import pass_context
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from web.csrf import FIELD

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


def _common(request: Request) -> dict[str, Any]:
    auth = getattr(request.state, "auth", None)
    return {
        "kommune_name": request.app.state.settings.core.kommune_name,
        "user": auth.user if auth else None,
        "csrf_token": auth.session.csrf_token if auth else getattr(request.state, "login_csrf", ""),
    }


@pass_context
def csrf_field(context: Any) -> Markup:
    token = context.get("csrf_token", "")
    return Markup(f'<input type="hidden" name="{FIELD}" value="{escape(token)}">')


templates = Jinja2Templates(directory=TEMPLATES_DIR, context_processors=[_common])
templates.env.globals["csrf_field"] = csrf_field
# Templates are trusted code in this package; whatever they print from data is escaped.
templates.env.autoescape = True


def render(request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code)
