"""`edbridge sim recommend-check`, the fast version for make check: one seed
of a 1,500-student demo district (the full 20-seed run on the 3,000-student
demo district is in `make bench`). The targets are asserted loosely enough
not to flake on one seed, tightly enough to fail a random recommender (whose
captured share is 0 by definition and whose oracle share is about 0.5)."""
import re
import unittest

from ebtest import run


class RecommendCheck(unittest.TestCase):
    def test_fast_check(self):
        p = run("sim", "recommend-check", "--seeds", "1", "--students", "1500", check=False)
        out = {}
        for line in p.stdout.splitlines():
            m = re.match(r"(\w+): ([-\d.]+)", line)
            if m:
                out[m.group(1)] = float(m.group(2))
        self.assertEqual(out.get("failed"), 0, p.stdout + p.stderr)
        self.assertGreaterEqual(out["oracle_share"], 0.75, p.stdout)
        self.assertGreaterEqual(out["captured"], 0.50, p.stdout)
        self.assertLess(out["random_share"], 0.70, p.stdout)
        self.assertLessEqual(out["harmful_rate"], 0.02, p.stdout)
        self.assertEqual(out["explained"], 1.0, p.stdout)
        self.assertGreater(out["recommendations"], 500, p.stdout)


if __name__ == "__main__":
    unittest.main()
