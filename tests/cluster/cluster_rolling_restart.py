"""A rolling restart of every service instance under load loses nothing (issue 17).

Two loads go through HAProxy at once: the `mix` bench's model of many users (wrk with
bench/wrk/mix.lua, tests/cluster/mix_load.py), and writers and readers that record every
acknowledged write (cluster/support.py Load). Meanwhile each instance in turn is stopped gracefully
(SIGTERM: it reports itself draining, finishes what it holds, exits), started again and waited
for until ready, as an orchestrator's rolling update does. Every request must be answered with
success: a draining gateway leaves HAProxy's rotation through its health check and a refused
connection is retried on the other gateway; a gateway retries a request refused by a stopped
catalog or identity on the other instance. Every acknowledged write is in PostgreSQL afterwards
with what the client sent, and wrk saw no socket error and no answer other than 2xx. Bounded:
about a minute, a third of it preparing the mix's users and request files."""

import time
import unittest

from testkit import ctl
from cluster.mix_load import MixLoad
from cluster.support import Load, admin_session, ensure_running, instances, lost_writes, wait_ready

ORDER = ["identity", "identity-2", "catalog", "catalog-2", "gateway", "gateway-2"]


class RollingRestart(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ensure_running()
        cls.headers, cls.store = admin_session()
        cls.mix = MixLoad()

    def test_every_instance_restarted_under_load_no_request_lost(self):
        cluster = instances()
        before = {name: cluster[name].pid() for name in ORDER}
        with self.mix as mix, Load(self.store) as load:
            time.sleep(2)
            for name in ORDER:
                inst = cluster[name]
                ctl(f"svc:{name}", "restart")
                wait_ready(inst)
                # HAProxy (rise 2 × 500 ms) and the gateways' breakers take it back; the next
                # instance stops only once this one serves again, as maxUnavailable 0 would.
                time.sleep(1.5)
            time.sleep(1)
        after = {name: cluster[name].pid() for name in ORDER}
        for name in ORDER:
            self.assertNotEqual(before[name], after[name], f"{name} was restarted (a new pid)")
        self.assertEqual(load.wrong, [], "no answer carried another product")
        failures = load.failures()
        self.assertEqual(failures[:20], [], f"{len(failures)} of {load.count()} requests failed")
        self.assertGreater(len(load.acked), 50, "the load wrote throughout")
        lost = lost_writes(self.store, load.acked)
        self.assertEqual(lost[:10], [], f"{len(lost)} of {len(load.acked)} acknowledged writes lost or changed")
        self.assertGreater(mix.requests(), 1000, f"the mix load ran throughout:\n{mix.output[-2000:]}")
        self.assertEqual(mix.failures(), [], f"the mix load, {mix.requests()} requests ({mix.counts()})")
        # Every answer reached mix.lua with its request's number (through HAProxy and the
        # gateways, restarted ones included), so the bench's latencies cover every request.
        latency = mix.latency()
        self.assertEqual((latency.get("timed"), latency.get("untimed")), (mix.requests(), 0),
                         f"every mix answer timed by its X-Request-ID:\n{mix.output[-2000:]}")
        print(f"\n  rolling restart: {load.count()} requests, {len(load.acked)} products written, "
              f"0 failed, 0 lost; mix load {mix.requests()} requests ({mix.counts()}), 0 failed, "
              f"p99 {latency['p99_ms']} ms from each request's slot", flush=True)


if __name__ == "__main__":
    unittest.main()
