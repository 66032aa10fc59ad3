"""The kit's own tests use the plugin as installed (`pip install ./clients/python`) or, when it is
not installed, straight from the source folder; the server gets the repository's fixtures and
scenarios unless the command line names others."""
import sys
from importlib.metadata import entry_points
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
ROOT = KIT.parents[1]

INSTALLED = any(ep.name == "axpsim" for ep in entry_points(group="pytest11"))
pytest_plugins = ["pytester"]
if not INSTALLED:
    sys.path.insert(0, str(KIT))
    pytest_plugins.append("pytest_axpsim")


def pytest_configure(config):
    if not config.option.axpsim_fixtures:
        config.option.axpsim_fixtures = str(ROOT / "fixtures")
    if not config.option.axpsim_scenarios:
        config.option.axpsim_scenarios = str(ROOT / "scenarios")
