"""docs/sql/catalog.sql is what the catalog prepares (issue 12: every statement findable by
grep). Fails when a statement changed and the listing was not regenerated, and the other way
round; `./mercato docs sql` regenerates it."""

import os
import sys
import unittest

import testkit

sys.path.insert(0, os.path.join(testkit.REPO, "scripts"))
import sql_listing  # noqa: E402  (scripts/ is not a package)

LISTING = os.path.join(testkit.REPO, "docs", "sql", "catalog.sql")
CATALOG = os.path.join(testkit.BIN_DIR, "mercato-catalog")


class TestSqlListing(unittest.TestCase):
    def test_catalog_listing_is_what_the_catalog_prepares(self):
        named = sql_listing.statements(CATALOG)
        self.assertGreater(len(named), 100, "the catalog printed too few statements")
        diff = sql_listing.diff(sql_listing.render("catalog", named), LISTING)
        if diff:
            self.fail("docs/sql/catalog.sql is out of date; run ./mercato docs sql\n" + diff[:4000])

    def test_every_statement_names_its_index(self):
        for name, text in sql_listing.statements(CATALOG).items():
            self.assertRegex(text.splitlines()[0], r"^-- index: \S", f"{name} does not name its index")


if __name__ == "__main__":
    unittest.main()
