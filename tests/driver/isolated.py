"""Runs a whole ./mercato command beside whatever stack the suite runs against: its own state
directory (MERCATO_STATE_DIR, so its lock and data are its own), its own free ports, and an
environment built from scratch (the suite's DB_PORT, REDIS_PORT... would otherwise point the
inner stack's services at the outer stack)."""

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import testkit

def _stack_port_names():
    """Every MERCATO_<NAME>_PORT the driver reads, so a port added to a stack is never shared."""
    names = set()
    for path in glob.glob(os.path.join(testkit.REPO, "scripts", "*.sh")):
        with open(path) as f:
            names.update(re.findall(r"MERCATO_([A-Z0-9_]+)_PORT\b", f.read()))
    return sorted(names)


PORT_NAMES = _stack_port_names()


class Run:
    def __init__(self, rc, elapsed, out, ports, state):
        self.rc, self.elapsed, self.out, self.ports, self.state = rc, elapsed, out, ports, state


def scratch_dir(case, mode=0o755):
    """A state directory removed after the test, inside a directory of MODE (as root PostgreSQL
    runs as the postgres user, who can reach it when MODE lets others traverse it)."""
    tmp = tempfile.mkdtemp(prefix="mercato-driver-test-")
    os.chmod(tmp, mode)
    case.addCleanup(shutil.rmtree, tmp, True)
    return os.path.join(tmp, "var")


def run_driver(case, args, extra_env, bound_s, state_mode=0o755, after=None):
    """Runs ./mercato ARGS; fails CASE when it is still running after BOUND_S seconds (it is then
    sent SIGTERM, so it stops what it started). AFTER, an earlier Run: the same state directory
    and ports (a second command on the stack the first one started)."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    if after:
        state, ports = after.state, after.ports
    else:
        state = scratch_dir(case, state_mode)
        ports = {}
        while len(set(ports.values())) < len(PORT_NAMES):
            ports = {n: testkit.free_port() for n in PORT_NAMES}
    env.update({f"MERCATO_{n}_PORT": str(p) for n, p in ports.items()})
    env.update({"MERCATO_STATE_DIR": state, "MERCATO_PG_REPLICA": "0"})
    env.update(extra_env)
    start = time.monotonic()
    proc = subprocess.Popen([os.path.join(testkit.REPO, "mercato")] + args, cwd=testkit.REPO, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=bound_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=120)
        case.fail(f"./mercato {' '.join(args)} still ran after {bound_s} s; its output:\n{out[-4000:]}")
    return Run(proc.returncode, time.monotonic() - start, out, ports, state)


def port_open(port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0
