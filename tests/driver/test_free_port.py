"""testkit.free_port(), which every test that starts its own server uses: the port it hands out
must stay free until the test binds it, minutes later for the container tests (images are built
in between). A port in the kernel's ephemeral range can be taken in that time by any outgoing
connection of this machine (a CI run lost the kube play test so: `bind: address already in
use`), so none may come from that range; and one process is never handed the same port twice."""

import socket
import unittest

import testkit


def ephemeral_range():
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        low, high = (int(p) for p in f.read().split())
    return low, high


class FreePort(unittest.TestCase):
    def test_a_port_is_never_one_an_outgoing_connection_could_take(self):
        low, high = ephemeral_range()
        for _ in range(200):
            port = testkit.free_port()
            self.assertFalse(low <= port <= high, f"{port} is in the ephemeral range {low}-{high}")

    def test_a_process_is_never_handed_the_same_port_twice(self):
        ports = [testkit.free_port() for _ in range(300)]
        self.assertEqual(len(ports), len(set(ports)))

    def test_the_port_is_free_when_handed_out(self):
        port = testkit.free_port()
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))  # raises if it is not

    def test_a_port_a_listener_holds_is_not_handed_out(self):
        held = []
        try:
            for _ in range(50):
                s = socket.socket()
                s.bind(("127.0.0.1", testkit.free_port()))
                s.listen()
                held.append(s)
            taken = {s.getsockname()[1] for s in held}
            for _ in range(200):
                self.assertNotIn(testkit.free_port(), taken)
        finally:
            for s in held:
                s.close()


if __name__ == "__main__":
    unittest.main()
