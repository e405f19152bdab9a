"""Every design document the code cites is a file in this repository (issue 12): a comment,
script or test that points at `docs/<name>.md#<section>` names a file that exists and a heading
it has, and every other Markdown file a tracked file names is one the repository tracks (a
clone has nothing else)."""

import os
import re
import subprocess
import unittest

import testkit

# `docs/architecture.md#request-deadline`, `docs/toolchain.md`; the anchor is optional.
CITATION = re.compile(r"\bdocs/([A-Za-z0-9_./-]+\.md)(?:#([A-Za-z0-9_-]+))?")
# Any Markdown file named in a tracked file: "docs/toolchain.md", "../bench/results.md".
MARKDOWN_NAME = re.compile(r"[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b")
SOURCE_SUFFIXES = (".cpp", ".hpp", ".h", ".sh", ".py", ".mjs", ".js", ".ts", ".tsx", ".md", ".txt", ".json")


def tracked_files():
    out = subprocess.run(["git", "-C", testkit.REPO, "ls-files", "-z"], check=True, capture_output=True,
                         timeout=60).stdout.decode()
    return [f for f in out.split("\0") if f.endswith(SOURCE_SUFFIXES) or f == "mercato"]


def github_slug(heading):
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces → '-'."""
    text = re.sub(r"[`*]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    with open(path, encoding="utf-8") as f:
        return {github_slug(line.lstrip("#")) for line in f if re.match(r"#{1,6} ", line)}


class TestDesignReferences(unittest.TestCase):
    def test_every_cited_design_section_exists(self):
        broken = []
        for rel in tracked_files():
            with open(os.path.join(testkit.REPO, rel), encoding="utf-8", errors="replace") as f:
                for n, line in enumerate(f, 1):
                    for doc, anchor in CITATION.findall(line):
                        target = os.path.join(testkit.REPO, "docs", doc)
                        if not os.path.isfile(target):
                            broken.append(f"{rel}:{n}: docs/{doc} does not exist")
                        elif anchor and anchor not in anchors(target):
                            broken.append(f"{rel}:{n}: docs/{doc} has no section #{anchor}")
        self.assertEqual(broken, [])

    def test_every_markdown_file_named_is_in_the_repository(self):
        files = tracked_files()
        tracked_md = {f for f in files if f.endswith(".md")}
        basenames = {os.path.basename(f) for f in tracked_md}
        missing = []
        for rel in files:
            with open(os.path.join(testkit.REPO, rel), encoding="utf-8", errors="replace") as f:
                for n, line in enumerate(f, 1):
                    for name in MARKDOWN_NAME.findall(line):
                        here = os.path.normpath(os.path.join(os.path.dirname(rel), name))
                        # A path from the root or from the citing file, or a bare tracked name
                        # ("results.md" in bench/, "$REPO/README.md" in a script).
                        if name.lstrip("./") in tracked_md or here in tracked_md:
                            continue
                        if "/" not in name.lstrip("./") or name.startswith(("REPO/", "/")):
                            if os.path.basename(name) in basenames:
                                continue
                        missing.append(f"{rel}:{n}: {name}")
        self.assertEqual(missing, [])

    def test_the_slug_rule_matches_githubs(self):
        self.assertEqual(github_slug(" Request deadline"), "request-deadline")
        self.assertEqual(github_slug(" Driver and stacks"), "driver-and-stacks")
        self.assertEqual(github_slug(" `co_await` pitfalls (g++ 12)"), "co_await-pitfalls-g-12")


if __name__ == "__main__":
    unittest.main()
