"""MERCATO_PG_HUGE_PAGES (scripts/pg_huge_pages.sh) takes `try` or `off`; anything else stops
`./mercato up` with one line naming the variable, before anything starts (driver/isolated.py runs
it beside the suite's stack). Without the check, PostgreSQL would be started with
`huge_pages=<typo>` and fail with a log to read instead."""

import unittest

from driver.isolated import port_open, run_driver


class HugePagesSetting(unittest.TestCase):
    def test_a_value_other_than_try_or_off_stops_up_before_anything_starts(self):
        run = run_driver(self, ["up"], {"MERCATO_PG_HUGE_PAGES": "yes", "MERCATO_WEB": "off"}, 60)
        self.assertEqual(run.rc, 1, run.out)
        lines = [line for line in run.out.splitlines() if line.strip()]
        self.assertEqual(lines, ["mercato: MERCATO_PG_HUGE_PAGES must be try or off, not 'yes'"], run.out)
        self.assertFalse(port_open(run.ports["PG"]), "PostgreSQL was started")


if __name__ == "__main__":
    unittest.main()
