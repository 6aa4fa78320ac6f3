"""The README stays true: every setting is documented with its variable."""

from __future__ import annotations

from dataclasses import fields

from hotline.config import PACKAGE_ROOT, Settings, env_name


def test_every_environment_variable_is_in_the_readme() -> None:
    readme = (PACKAGE_ROOT / "README.md").read_text()
    for f in fields(Settings):
        assert f"`{env_name(f.name)}`" in readme, env_name(f.name)
