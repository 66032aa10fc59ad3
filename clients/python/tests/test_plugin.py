"""The pytest plugin as a user's project meets it: a test file of its own, the options and ini keys."""
import os

from conftest import INSTALLED, KIT, ROOT


def test_a_project_uses_the_fixtures_with_its_options(pytester, monkeypatch):
    pytester.makeini("[pytest]\naxpsim_args = --token-ttl 1800\n")
    pytester.makepyfile(test_chat="""
        def test_one(axpsim, axpsim_account):
            minted = axpsim.mint_chat_jwt(axpsim_account, "ann")
            assert minted["jwtToken"]
            assert axpsim.server.pid > 0

        def test_two_gets_its_own_account(axpsim, axpsim_account):
            names = [a["accountId"] for a in axpsim.request("GET", "/__sim/accounts")["accounts"]]
            assert axpsim_account.account_id in names
            assert "DEMOAA" in names   # the --axpsim-fixtures folder
    """)
    args = ["-q", "-p", "no:cacheprovider", f"--axpsim-bin={os.environ.get('AXPSIM_BIN', 'axpsim')}",
            f"--axpsim-fixtures={ROOT / 'fixtures'}"]
    if not INSTALLED:
        # From the source folder: load the plugin by name (and no entry points, which a build
        # folder left in the source folder could also offer).
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(KIT), *filter(None, [os.environ.get("PYTHONPATH")])]))
        monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        args = ["-p", "pytest_axpsim", *args]
    result = pytester.runpytest_subprocess(*args)
    result.assert_outcomes(passed=2)
