"""The API docs at /docs: Swagger UI served from the swagger-ui-bundle package, nothing from elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse

router = APIRouter(include_in_schema=False)

ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "favicon-32x32.png": "image/png",
}
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>workreport API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" href="/docs/assets/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body></html>
"""


def assets_dir() -> Path:
    """Where the installed swagger-ui-bundle package keeps Swagger UI's files."""
    from swagger_ui_bundle import swagger_ui_path

    return Path(swagger_ui_path)


@router.get("/docs", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    """Swagger UI for /openapi.json, every file served from here."""
    response = HTMLResponse(PAGE)
    response.headers["Content-Security-Policy"] = DOCS_CSP  # Swagger UI sets inline styles
    return response


@router.get("/docs/assets/{name}")
def asset(name: Annotated[str, PathParam(max_length=40)]) -> FileResponse:
    """One of Swagger UI's files, from an allow-list (nothing from a request names a path)."""
    from .errors import ApiError

    if name not in ASSETS:
        raise ApiError(404, "not_found", f"no docs file {name!r}")
    return FileResponse(assets_dir() / name, media_type=ASSETS[name])
