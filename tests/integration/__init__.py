# Sibling helper modules (test_identity_support, test_catalog_support) are imported by plain
# name by some suites; discovery imports this package first, so make the folder importable.
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
