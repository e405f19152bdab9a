"""Revocation while Redis is down: identity cannot publish and no catalog hears the bus, so
each catalog asks identity (every second while its bus is down, and once more when the bus is
back before it trusts a token again). A deactivated editor's token is refused while Redis is
down and after it returns; a token issued after re-activation works."""

import unittest

from testkit import ctl, request, wait_until
import integration.test_token_revocation as revocation  # a module name: its tests are not collected twice


class RevocationWhileRedisIsDown(revocation.RevocationStack):
    def test_a_revocation_made_while_redis_is_down_still_reaches_every_catalog(self):
        email, uid, token = self.editor_writing_everywhere()
        ctl("redis", "stop")
        try:
            self.patch_user(uid, {"active": False})
            self.assertTrue(wait_until(lambda: self.refused_everywhere(token, self.verifiers), timeout=3.0,
                                       interval=0.05))
        finally:
            ctl("redis", "start")
        # Back on the bus: still refused, and a token issued after re-activation works.
        self.assertTrue(wait_until(lambda: all(request(c.url, "GET", "/health/ready").json()["checks"]["redis"] == "up"
                                               for c in self.verifiers), timeout=30))
        self.assertTrue(self.refused_everywhere(token, self.verifiers))
        self.patch_user(uid, {"active": True})
        fresh = self.login(email)
        for c in self.verifiers:
            self.assertEqual(self.create(c, fresh)[0], 201)


if __name__ == "__main__":
    unittest.main()
