"""Rule files (vocabularies, unit tables, cue words) shipped as data, loaded once."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from workreport.errors import RulesError


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed TOML rule file ``rules/<name>.toml``."""
    resource = resources.files(__name__).joinpath(f"{name}.toml")
    try:
        with resource.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise RulesError("no such rule file", path=f"rules/{name}.toml") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"malformed TOML: {exc}", path=f"rules/{name}.toml") from exc


def text(name: str) -> str:
    """The raw text of a non-TOML rule file in this folder."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
