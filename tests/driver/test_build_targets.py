"""What `up` builds (issue 12): only the `services` target, i.e. the three service binaries and
the libraries they link, never a test executable; and every compile goes through ccache with
paths relative to the checkout, so clones of the repository share cache entries."""

import os
import re
import shutil
import subprocess
import unittest

import testkit
from driver.isolated import run_driver

BUILD = os.path.join(testkit.REPO, "build", "release")


def ninja_commands(target):
    return subprocess.run(["ninja", "-C", BUILD, "-t", "commands", target], check=True,
                          capture_output=True, text=True, timeout=60).stdout.splitlines()


class TestBuildTargets(unittest.TestCase):
    def test_services_target_builds_the_three_binaries_and_no_test(self):
        commands = ninja_commands("services")
        outputs = {m.group(1) for c in commands for m in [re.search(r" -o (\S+)", c)] if m}
        for svc in ("gateway", "catalog", "identity"):
            self.assertIn(f"bin/mercato-{svc}", outputs)
        compiled = [c.rsplit(" -c ", 1)[1] for c in commands if " -c " in c]
        self.assertTrue(compiled)
        self.assertEqual([f for f in compiled if f.endswith("_test.cpp") or "/tests/" in f], [])
        self.assertEqual([o for o in outputs if o.endswith("_tests") or o.endswith("_bench")], [])
        everything = [c for c in ninja_commands("all") if " -c " in c]
        print(f"\n    up compiles {len(compiled)} of {len(everything)} files")

    def test_up_builds_only_the_services_target(self):
        # identity stops at once (invalid LOG_LEVEL), so `up` ends right after its build step.
        run = run_driver(self, ["up", "-d"], {"LOG_LEVEL": "loud"}, 120)
        self.assertEqual(run.rc, 1, run.out)
        self.assertIn("==> build (release: services):", run.out)
        self.assertIn("step 'identity' failed", run.out)

    @unittest.skipUnless(shutil.which("ccache"), "no ccache on this machine")
    def test_compiles_hash_paths_relative_to_the_checkout(self):
        compiles = [c for c in ninja_commands("all") if " -c " in c]
        repo = os.path.realpath(testkit.REPO)
        launcher = f"-E env CCACHE_BASEDIR={repo} CCACHE_NOHASHDIR=true "
        self.assertEqual([c for c in compiles if launcher not in c or "ccache" not in c], [])


if __name__ == "__main__":
    unittest.main()
