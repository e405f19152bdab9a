"""The stack's PostgreSQL servers keep shared_buffers in huge pages when the machine lets the
driver arrange it (root: scripts/pg_huge_pages.sh raises vm.nr_overcommit_hugepages before each
start). In 4 kB pages every server process faults in each page of shared_buffers it touches,
7–15 µs a fault in this VM, and a fresh connection's first large search paid it per buffer
(docs/capacity.md, "Where the time goes"). Checked on a backend of the primary and of the
replica: the mapping that holds shared_buffers must be in huge pages."""

import os
import re
import subprocess
import unittest

from testkit import secret, stack_env

OVERCOMMIT = "/proc/sys/vm/nr_overcommit_hugepages"
REPLICA = os.environ.get("MERCATO_PG_REPLICA_ADDRESS", "127.0.0.1:25433")


def huge_page_kb():
    with open("/proc/meminfo") as f:
        return int(re.search(r"^Hugepagesize:\s+(\d+) kB", f.read(), re.M).group(1))


def shared_mapping_page_sizes(pid, at_least):
    """KernelPageSize (kB) of each mapping of process `pid` of `at_least` bytes or more."""
    sizes, size = [], 0
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            if m := re.match(r"^Size:\s+(\d+) kB", line):
                size = int(m.group(1)) * 1024
            elif (m := re.match(r"^KernelPageSize:\s+(\d+) kB", line)) and size >= at_least:
                sizes.append(int(m.group(1)))
    return sizes


@unittest.skipUnless(os.geteuid() == 0 and os.access(OVERCOMMIT, os.W_OK),
                     "only root may lend PostgreSQL huge pages (vm.nr_overcommit_hugepages)")
class SharedBuffersInHugePages(unittest.TestCase):
    def check(self, host, port):
        env = dict(os.environ, PGPASSWORD=secret("pg-postgres"), PGCONNECT_TIMEOUT="5")
        # One session: its backend's pid and the server's shared_buffers.
        with subprocess.Popen(["psql", "-h", host, "-p", port, "-U", "postgres", "-d", "postgres", "-XAtq", "-F", " "],
                              env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) as p:
            p.stdin.write("SELECT pg_backend_pid(), pg_size_bytes(current_setting('shared_buffers'));\n")
            p.stdin.flush()
            line = p.stdout.readline().split()
            self.assertEqual(len(line), 2, f"psql answered {line}")
            pid, shared_buffers = int(line[0]), int(line[1])
            # Read while psql, waiting on stdin, keeps the session (and so the backend) open.
            sizes = shared_mapping_page_sizes(pid, shared_buffers)
            p.stdin.close()
        self.assertTrue(sizes, f"backend {pid} maps nothing of {shared_buffers} bytes or more")
        huge = huge_page_kb()
        self.assertEqual(sizes, [huge] * len(sizes), f"shared memory of {host}:{port} not in {huge} kB pages: {sizes} kB")

    def test_primary(self):
        env = stack_env()
        self.check(env["DB_HOST"], env["DB_PORT"])

    def test_replica(self):
        host, port = REPLICA.rsplit(":", 1)
        self.check(host, port)


if __name__ == "__main__":
    unittest.main()
