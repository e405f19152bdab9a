"""Every design document the code cites is a file in this repository (issue 12): a comment,
script or test that points at `docs/<name>.md#<section>` names a file that exists and a heading
it has, and nothing cites design files that live outside the repository (a clone would not
have them)."""

import os
import re
import subprocess
import unittest

import testkit

# `docs/architecture.md#request-deadline`, `docs/toolchain.md`; the anchor is optional.
CITATION = re.compile(r"\bdocs/([A-Za-z0-9_./-]+\.md)(?:#([A-Za-z0-9_-]+))?")
# Files the first wave's comments cited although they were never part of the repository.
OUTSIDE = re.compile(r"\b(ARCHITECTURE\.md|TOOLCHAIN(?:\.md)?|STYLE\.md)\b|\.\./shared/")
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

    def test_nothing_cites_design_files_outside_the_repository(self):
        outside = []
        for rel in tracked_files():
            if rel == "tests/docs/test_design_references.py":
                continue  # names them in order to refuse them
            with open(os.path.join(testkit.REPO, rel), encoding="utf-8", errors="replace") as f:
                outside += [f"{rel}:{n}: {line.strip()[:120]}" for n, line in enumerate(f, 1) if OUTSIDE.search(line)]
        self.assertEqual(outside, [])

    def test_the_slug_rule_matches_githubs(self):
        self.assertEqual(github_slug(" Request deadline"), "request-deadline")
        self.assertEqual(github_slug(" Driver and stacks"), "driver-and-stacks")
        self.assertEqual(github_slug(" `co_await` pitfalls (g++ 12)"), "co_await-pitfalls-g-12")


if __name__ == "__main__":
    unittest.main()
