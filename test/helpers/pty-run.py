#!/usr/bin/env python3
"""Drive a command through a real pseudo-terminal, as an operator at a console would.

Reads a JSON spec on stdin:
  {"argv": [...], "env": {...}, "timeout": seconds,
   "steps": [{"expect": "text"} | {"send": "text"} | {"signal": "SIGINT"}]}
Each "expect" waits (from where the previous one matched) until the text appears in the terminal output,
with ANSI escape sequences removed. Prints one JSON line: {"code", "signal", "output", "error"}.
Uses only the standard library (pty), so no native npm module is needed.
"""
import json
import os
import pty
import re
import select
import signal
import sys
import time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\r")


def main():
    spec = json.load(sys.stdin)
    deadline = time.time() + spec.get("timeout", 60)
    pid, fd = pty.fork()
    if pid == 0:
        env = dict(os.environ)
        env.update(spec.get("env", {}))
        os.execvpe(spec["argv"][0], spec["argv"], env)

    raw = b""
    position = 0
    error = None

    def read_some(wait):
        nonlocal raw
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            return True
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return False
        if not chunk:
            return False
        raw += chunk
        return True

    alive = True
    for step in spec.get("steps", []):
        if "expect" in step:
            wanted = step["expect"].encode()
            while True:
                clean = ANSI.sub(b"", raw)
                found = clean.find(wanted, position)
                if found >= 0:
                    position = found + len(wanted)
                    break
                if time.time() > deadline or not alive:
                    error = "timed out waiting for %r" % step["expect"]
                    break
                alive = read_some(0.1)
            if error:
                break
        elif "send" in step:
            os.write(fd, step["send"].encode())
        elif "signal" in step:
            os.kill(pid, getattr(signal, step["signal"]))

    # Drain the terminal until the command closes it, then reap it (closing the terminal and exiting are
    # two events: poll for the exit until the deadline rather than racing it).
    while alive and time.time() < deadline:
        alive = read_some(0.2)
    finished, status = 0, 0
    while time.time() < deadline:
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            break
        if alive:
            alive = read_some(0.05)
        else:
            time.sleep(0.05)
    if not finished:
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        error = error or "timed out waiting for the command to exit"

    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    output = ANSI.sub(b"", raw).decode("utf-8", "replace")
    print(json.dumps({"code": code, "signal": sig, "output": output, "error": error}))


main()
