"""Command-line options for the source's settings: one per field of ``tiktok_ads.config.source_settings.TikTokAdsSettings``.

The options are derived from that one definition of the settings, so they cannot drift from it: the option of
the setting ``max_qps`` is ``--max-qps``, its help is the field's help, its type the field's (``bool`` settings
get ``--x/--no-x``). Secrets (``access_token``, ``refresh_token``, ``secret``) get no option: a command line is
visible to other users and lands in shell history; they come from ``.dlt/secrets.toml`` or
``SOURCES__TIKTOK_ADS__*``. The source's other arguments (``client``, ``clock``, ``summary``,
``on_token_refresh``) are no fields of the spec, so they get none either.

An option that is not given is left to dlt, which resolves the setting from ``.dlt/config.toml``,
``.dlt/secrets.toml`` or ``SOURCES__TIKTOK_ADS__<NAME>``, else the source's default.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import typing
from collections.abc import Mapping
from typing import Any, Literal

SettingKind = Literal["bool", "int", "float", "str", "json"]


@dataclasses.dataclass(frozen=True)
class SettingOption:
    """One source setting as a command-line option.

    Attributes:
        name: the setting (and source argument) name, e.g. ``max_qps``.
        kind: how the option's value is parsed.
        default: the source's default (shown in the help).
        help: the argument's docstring.
    """

    name: str
    kind: SettingKind
    default: Any
    help: str

    @property
    def flag(self) -> str:
        """The option, e.g. ``--max-qps``."""
        return "--" + self.name.replace("_", "-")

    @property
    def env_var(self) -> str:
        """The environment variable dlt reads the setting from, e.g. ``SOURCES__TIKTOK_ADS__MAX_QPS``."""
        return "SOURCES__TIKTOK_ADS__" + self.name.upper()


def _kind(hint: Any) -> SettingKind:
    """The option kind of a type hint (``bool``, ``int``, ``float``, a mapping as JSON, else a string)."""
    args = [a for a in typing.get_args(hint) if a is not type(None)] or [hint]
    for kind, types in (("bool", (bool,)), ("int", (int,)), ("float", (float,))):
        if any(a in types for a in args):
            return kind  # type: ignore[return-value]
    origins = {typing.get_origin(a) or a for a in args}
    if origins & {dict, Mapping, typing.get_origin(Mapping[str, Any])}:
        return "json"
    return "str"


def source_setting_options() -> list[SettingOption]:
    """Every source setting that gets a command-line option, in definition order.

    Returns:
        One :class:`SettingOption` per field of ``TikTokAdsSettings`` that is not a secret.
    """
    from dlt.common.configuration.specs.base_configuration import is_secret_hint

    from tiktok_ads.config.source_settings import HELP, SETTINGS, setting_hints

    hints = setting_hints()
    return [
        SettingOption(name=f.name, kind=_kind(hints[f.name]), default=f.default, help=f.metadata[HELP])
        for f in SETTINGS
        if not is_secret_hint(hints[f.name])
    ]


def _help(option: SettingOption) -> str:
    text = option.help.replace("``", "").replace("%", "%%")
    if option.default not in (None, "", False):
        text += f" (default: {option.default})"
    return text


def json_problem(text: str) -> str | None:
    """Why ``text`` is not a JSON object, in words that point at the spot, or None if it is one.

    Args:
        text: the value of a JSON setting (``metrics``, ``custom_reports``).

    Returns:
        e.g. ``"not valid JSON: Expecting value at line 1 column 17 (char 16)"``, or None.
    """
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        return f"not valid JSON: {err.msg} at line {err.lineno} column {err.colno} (char {err.pos})"
    if not isinstance(value, dict):
        return f"a JSON object ({{...}}) was expected, not a JSON {type(value).__name__}"
    return None


def parse_json_option(text: str) -> Any:
    """argparse ``type`` of the JSON options: the parsed object, a bare word such as ``all``
    (``--metrics all``) as text for the source, or an error saying where the JSON broke."""
    if text.strip().isidentifier():
        return text.strip()
    problem = json_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{text!r} is {problem}")
    return json.loads(text)


def add_setting_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> list[SettingOption]:
    """Add one option per source setting to ``parser`` (defaults ``None``: unset options are dlt's to resolve).

    Args:
        parser: a parser or an argument group.

    Returns:
        The options added.
    """
    options = source_setting_options()
    for option in options:
        kwargs: dict[str, Any] = {"dest": option.name, "default": None, "help": _help(option)}
        if option.kind == "bool":
            kwargs["action"] = argparse.BooleanOptionalAction
        else:
            kwargs["metavar"] = {"int": "N", "float": "X", "json": "JSON"}.get(
                option.kind, option.name.upper()
            )
            kwargs["type"] = {"int": int, "float": float, "json": parse_json_option}.get(option.kind, str)
        parser.add_argument(option.flag, **kwargs)
    return options


def settings_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The source settings given on the command line (only those; the rest is dlt's to resolve).

    Args:
        args: the parsed command line of a parser set up with :func:`add_setting_options`.

    Returns:
        ``{setting: value}`` for every option that was given.
    """
    given: dict[str, Any] = {}
    for option in source_setting_options():
        value = getattr(args, option.name, None)
        if value is not None:  # "" too: an empty value given on purpose is checked, not ignored
            given[option.name] = value
    return given
