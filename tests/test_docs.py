"""The README documents every command and every option of the ``workreport`` command."""

from __future__ import annotations

from pathlib import Path

import click

from workreport.cli import main

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "workreport") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name, cmd in group.commands.items():
        path = f"{prefix} {name}"
        out.append((path, cmd))
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, path))
    return out


def test_every_command_and_option_is_in_the_readme() -> None:
    missing = []
    for path, cmd in _commands(main):
        if path not in README:
            missing.append(path)
        for param in cmd.params:
            if isinstance(param, click.Option):
                names = [o for o in param.opts if o.startswith("--")] or param.opts
                if not any(n in README for n in names):
                    missing.append(f"{path} {names[0]}")
    assert not missing, f"not in the README: {missing}"
