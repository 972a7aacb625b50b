"""The import contracts in pyproject.toml hold, and they fail on an upward import or a cycle."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = [
    "contact_service",
    "demo",
    "casework",
    "desk",
    "mywork",
    "reports",
    "scheduling",
    "referrals",
    "staffing",
    "venues",
    "audit",
    "lib",
]


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", "pyproject.toml"],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy_of_the_tree(tmp_path):
    for package in PACKAGES:
        shutil.copytree(
            REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _add_import(root: Path, module: str, line: str) -> None:
    path = root / (module.replace(".", "/") + ".py")
    path.write_text(f"{line}  # noqa\n{path.read_text()}")


def test_the_tree_keeps_every_contract():
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_lower_app_importing_a_higher_one_breaks_the_layers(copy_of_the_tree):
    _add_import(copy_of_the_tree, "venues.models", "import scheduling.models")
    result = _lint(copy_of_the_tree)
    assert result.returncode == 1
    assert "venues.models -> scheduling.models" in result.stdout


def test_a_cycle_between_two_apps_breaks_the_layers(copy_of_the_tree):
    # referrals already imports staffing; the way back closes a cycle.
    _add_import(copy_of_the_tree, "staffing.selectors", "import referrals.models")
    result = _lint(copy_of_the_tree)
    assert result.returncode == 1
    assert "staffing.selectors -> referrals.models" in result.stdout


def test_the_solver_importing_django_breaks_its_purity(copy_of_the_tree):
    _add_import(copy_of_the_tree, "scheduling.solver.model", "import django.db")
    result = _lint(copy_of_the_tree)
    assert result.returncode == 1
    assert "The solver is pure Python" in result.stdout
    assert "scheduling.solver.model -> django" in result.stdout


def test_lib_importing_an_app_breaks_the_layers(copy_of_the_tree):
    _add_import(copy_of_the_tree, "lib.weeks", "import venues.models")
    result = _lint(copy_of_the_tree)
    assert result.returncode == 1
    assert "lib.weeks -> venues.models" in result.stdout
