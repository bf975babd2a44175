"""Problems shown to a person: 401 becomes a redirect to the login page, 403 the "Ingen adgang" page,
anything else a short Danish error page."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from web.auth import login_url
from web.problems import Problem
from web.templating import render


def render_problem_page(request: Request, problem: Problem) -> Response:
    if problem.status == 401:
        target = login_url(request)
        if request.headers.get("HX-Request") == "true":
            # htmx would swap the login page into a fragment; it loads the whole page on HX-Redirect instead.
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    template = "forbidden.html" if problem.status == 403 else "error.html"
    headers = {k: v for k, v in problem.headers.items() if k.lower() != "www-authenticate"}
    response = render(request, template, {"problem": problem}, status_code=problem.status)
    response.headers.update(headers)
    return response
