"""The emulator is an independent "TikTok": it never imports the source's modules, and the source never imports it."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EMULATOR = ROOT / "tiktok_ads" / "emulator"
#: What the emulator may read of the source package: the reader of the one metric catalogue (data shared by
#: both, so they agree on which metrics exist), which itself imports nothing of the package.
SHARED_DATA_READERS = frozenset({"tables.metrics_file", "tiktok_ads.tables.metrics_file"})


def test_the_shared_catalogue_reader_imports_nothing_of_the_package() -> None:
    path = ROOT / "tiktok_ads" / "tables" / "metrics_file.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0 and not (node.module or "").startswith("tiktok_ads"), node.module
        elif isinstance(node, ast.Import):
            assert not any(a.name.startswith("tiktok_ads") for a in node.names)


def test_emulator_modules_import_only_the_emulator_package() -> None:
    offenders = []
    for path in sorted(EMULATOR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                shared = module in SHARED_DATA_READERS and node.level in (0, 2)  # the catalogue's reader
                if not shared and (
                    node.level > 1
                    or (
                        node.level == 0
                        and module.startswith("tiktok_ads")
                        and not module.startswith("tiktok_ads.emulator")
                    )
                ):
                    offenders.append(f"{path.name}: from {'.' * node.level}{module} import ...")
            elif isinstance(node, ast.Import):
                offenders += [
                    f"{path.name}: import {a.name}"
                    for a in node.names
                    if a.name.startswith("tiktok_ads") and not a.name.startswith("tiktok_ads.emulator")
                ]
    assert offenders == []


def test_source_does_not_import_the_emulator_and_the_emulator_package_is_light() -> None:
    code = (
        "import sys, tiktok_ads\n"
        "loaded = [m for m in sys.modules if m.startswith('tiktok_ads.emulator')]\n"
        "assert not loaded, f'import tiktok_ads loaded {loaded}'\n"
        "import tiktok_ads.emulator as e\n"
        "heavy = [m for m in ('tiktok_ads.emulator.server', 'tiktok_ads.emulator.model') if m in sys.modules]\n"
        "assert not heavy, f'import tiktok_ads.emulator loaded {heavy}'\n"
        "assert e.EmulatorServer.__name__ == 'EmulatorServer' and e.WorldConfig().seed == 1\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
