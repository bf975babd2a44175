"""Errors as RFC 9457 problem details.

Handlers and dependencies raise `Problem`; under /api it becomes `application/problem+json`, elsewhere a
Danish page (the page renderer is passed to `install_problem_handlers`). FastAPI's validation errors and
Starlette's 404/405 are turned into problems too, naming the field that was wrong.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from domain.errors import CalendarError, CaseNotFound, InvalidInput, KlagesagError, Refused, StepRefused, Unavailable

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"
_TYPE_BASE = "urn:klagesag:problem:"


@dataclass(frozen=True)
class FieldError:
    field: str
    rule: str
    message_da: str
    message_en: str


class Problem(Exception):
    """An error with an HTTP status. `slug` names its kind (the `type` member is derived from it)."""

    def __init__(
        self,
        status: int,
        slug: str,
        *,
        title: str,
        title_da: str,
        detail: str | None = None,
        detail_da: str | None = None,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.slug = slug
        self.title = title
        self.title_da = title_da
        self.detail = detail
        self.detail_da = detail_da
        self.errors = errors or []
        self.headers = headers or {}

    @property
    def type(self) -> str:
        return _TYPE_BASE + self.slug

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status, "title_da": self.title_da}
        if self.detail:
            body["detail"] = self.detail
        if self.detail_da:
            body["detail_da"] = self.detail_da
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = [e.__dict__ for e in self.errors]
        return body


# --- the problems klagesag raises, in one place -----------------------------------------------------------


def not_authenticated() -> Problem:
    return Problem(
        401,
        "not-authenticated",
        title="Not authenticated",
        title_da="Ikke logget ind",
        detail="Log in first: send a session cookie or an Authorization: Bearer token.",
        detail_da="Du skal logge ind først.",
        headers={"WWW-Authenticate": 'Bearer realm="klagesag"'},
    )


def forbidden(detail: str = "Your role does not allow this.", detail_da: str = "Din rolle giver ikke adgang til dette.") -> Problem:
    return Problem(403, "forbidden", title="Forbidden", title_da="Ingen adgang", detail=detail, detail_da=detail_da)


def csrf_failed() -> Problem:
    return Problem(
        403,
        "csrf",
        title="Invalid or missing CSRF token",
        title_da="Ugyldig formular",
        detail="A request authenticated by the session cookie must carry the session's CSRF token "
        "(form field csrf_token or header X-CSRF-Token).",
        detail_da="Ugyldig formular. Genindlæs siden og prøv igen.",
    )


def login_failed(*, locked: bool, lockout_minutes: int, max_attempts: int) -> Problem:
    if locked:
        return Problem(
            429,
            "locked-out",
            title="Too many failed logins",
            title_da="For mange forsøg",
            detail=f"The account is locked for {lockout_minutes} minutes after {max_attempts} failed logins.",
            detail_da=LOCKED_DA.format(minutes=lockout_minutes, attempts=max_attempts),
        )
    return Problem(
        401,
        "login-failed",
        title="Wrong username or password",
        title_da="Forkert brugernavn eller adgangskode",
        detail="Wrong username or password.",
        detail_da=LOGIN_FAILED_DA,
    )


def simulation_already_running() -> Problem:
    return Problem(
        409,
        "simulation-running",
        title="A simulation is already running",
        title_da="En simulering kører allerede",
        detail="Your kommune has a simulation queued or running; one runs at a time. Wait until it is done.",
        detail_da="Der kører allerede en simulering for kommunen, og der kan kun køre én ad gangen. "
        "Vent, til den er færdig, og start så den næste.",
    )


LOGIN_FAILED_DA = "Forkert brugernavn eller adgangskode."
LOCKED_DA = (
    "For mange mislykkede forsøg på at logge ind. Af sikkerhedshensyn er kontoen spærret i {minutes} minutter "
    "efter {attempts} forkerte forsøg. Prøv igen senere, eller kontakt en administrator."
)


# --- validation errors, named by field -------------------------------------------------------------------

_RULES_DA = {
    "missing": "Feltet skal udfyldes.",
    "string_too_short": "Teksten er for kort.",
    "string_too_long": "Teksten er for lang.",
    "string_type": "Skal være tekst.",
    "int_parsing": "Skal være et helt tal.",
    "int_type": "Skal være et helt tal.",
    "bool_parsing": "Skal være sand eller falsk.",
    "date_from_datetime_parsing": "Skal være en dato (ÅÅÅÅ-MM-DD).",
    "date_parsing": "Skal være en dato (ÅÅÅÅ-MM-DD).",
    "enum": "Værdien er ikke en af de tilladte.",
    "literal_error": "Værdien er ikke en af de tilladte.",
    "extra_forbidden": "Feltet er ukendt.",
    "json_invalid": "Indholdet er ikke gyldig JSON.",
    "model_attributes_type": "Indholdet har ikke den forventede form.",
    "dict_type": "Indholdet har ikke den forventede form.",
    "greater_than_equal": "Værdien er for lille.",
    "less_than_equal": "Værdien er for stor.",
    "value_error": "Værdien er ugyldig.",
}


def field_errors(error: RequestValidationError) -> list[FieldError]:
    out = []
    for item in error.errors():
        location = [str(p) for p in item.get("loc", ())]
        if location and location[0] in ("body", "query", "path", "header", "cookie"):
            location = location[1:]
        rule = str(item.get("type", "value_error"))
        out.append(
            FieldError(
                field=".".join(location) or "body",
                rule=rule,
                message_da=_RULES_DA.get(rule, "Værdien er ugyldig."),
                message_en=str(item.get("msg", "Invalid value")).removeprefix("Value error, "),
            )
        )
    return out


def validation_problem(error: RequestValidationError) -> Problem:
    errors = field_errors(error)
    return Problem(
        422,
        "validation",
        title="Invalid request",
        title_da="Ugyldig forespørgsel",
        detail="; ".join(f"{e.field}: {e.message_en}" for e in errors),
        detail_da="; ".join(f"{e.field}: {e.message_da}" for e in errors),
        errors=errors,
    )


# --- domain errors, mapped by type (domain/errors.py), never by message ------------------------------------

# Checked in order: the most specific type first (CalendarError is an InvalidInput, both are Refused).
_DOMAIN_PROBLEMS: tuple[tuple[type[Exception], int, str, str, str, str], ...] = (
    (CalendarError, 422, "calendar", "The dates cannot be counted", "Datoerne kan ikke beregnes",
     "Datoerne kan ikke bruges til at beregne fristen. Ret datoerne og prøv igen."),
    (InvalidInput, 422, "invalid-input", "Invalid input", "Ugyldige oplysninger",
     "Oplysningerne kan ikke bruges som de er. Ret dem og prøv igen."),
    (StepRefused, 409, "step-refused", "The step is not allowed now", "Skridtet er ikke tilladt nu",
     "Sagens fase eller reglerne tillader ikke dette skridt nu. Sagen er uændret."),
    (CaseNotFound, 404, "case-not-found", "No such case", "Sagen findes ikke",
     "Der findes ingen sag med dette sagsnummer."),
    (Refused, 409, "refused", "Refused", "Afvist", "Anmodningen blev afvist. Intet er ændret."),
    (Unavailable, 503, "unavailable", "Service unavailable", "Tjenesten er ikke tilgængelig",
     "En server, klagesag bruger, svarer ikke. Prøv igen om lidt."),
)  # fmt: skip


def domain_problem(error: KlagesagError) -> Problem:
    """The problem for a deliberate error of klagesag: the English detail is the error's own message
    (it names the rule or field); the Danish detail says what it means for the user."""
    for kind, status, slug, title, title_da, detail_da in _DOMAIN_PROBLEMS:
        if isinstance(error, kind):
            return Problem(status, slug, title=title, title_da=title_da, detail=str(error), detail_da=detail_da)
    return Problem(500, "internal", title="Internal server error", title_da="Der opstod en fejl")


def _http_problem(status: int) -> Problem:
    titles = {
        404: ("Not found", "Findes ikke"),
        405: ("Method not allowed", "Metoden er ikke tilladt"),
        400: ("Bad request", "Ugyldig forespørgsel"),
    }
    title, title_da = titles.get(status, ("Error", "Fejl"))
    return Problem(status, f"http-{status}", title=title, title_da=title_da)


# --- OpenAPI schema of a problem, for `responses=` in routes ------------------------------------------------


class FieldErrorModel(BaseModel):
    field: str
    rule: str
    message_da: str
    message_en: str


class ProblemModel(BaseModel):
    type: str
    title: str
    status: int
    title_da: str
    detail: str | None = None
    detail_da: str | None = None
    instance: str | None = None
    errors: list[FieldErrorModel] = Field(default_factory=list)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=problem_responses(401, 403)` documents the problem bodies in OpenAPI."""
    return {s: {"model": ProblemModel, "content": {PROBLEM_JSON: {}}, "description": "Problem details"} for s in statuses}


# --- rendering ------------------------------------------------------------------------------------------


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX) or request.url.path == API_PREFIX.rstrip("/")


def problem_response(problem: Problem, request: Request | None = None) -> JSONResponse:
    return JSONResponse(
        problem.body(request.url.path if request else None),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers={**problem.headers, "Content-Language": "da, en"},
    )


PageRenderer = Callable[[Request, Problem], Awaitable[Response] | Response]


def install_problem_handlers(app: FastAPI, render_page: PageRenderer) -> None:
    async def respond(request: Request, problem: Problem) -> Response:
        if is_api(request):
            return problem_response(problem, request)
        result = render_page(request, problem)
        return await result if isinstance(result, Awaitable) else result

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return await respond(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return await respond(request, validation_problem(exc))

    @app.exception_handler(KlagesagError)
    async def _domain(request: Request, exc: KlagesagError) -> Response:
        return await respond(request, domain_problem(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        problem = _http_problem(exc.status_code)
        if exc.headers:
            problem.headers.update(exc.headers)
        return await respond(request, problem)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # The traceback goes to the server log (Starlette re-raises after this); the client learns nothing
        # about the internals.
        problem = Problem(500, "internal", title="Internal server error", title_da="Der opstod en fejl")
        return await respond(request, problem)

