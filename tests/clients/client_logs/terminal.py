"""Runs a terminal program (Codex's TUI) in a pseudo-terminal, answering
the terminal queries it waits on before it draws (colours, cursor
position, modes, device attributes), until STOP_FILE exists or SECONDS have
passed; then quits it with Ctrl-C, Ctrl-C, Ctrl-D, and kills it if it is
still there 5 s later. What it drew goes to TRANSCRIPT.

    python3 terminal.py SECONDS STOP_FILE TRANSCRIPT -- PROGRAM ARGS...
"""

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

# Query -> the answer of a dark xterm-like terminal.
ANSWERS = [
    (b"\x1b]10;?", b"\x1b]10;rgb:ffff/ffff/ffff\x1b\\"),
    (b"\x1b]11;?", b"\x1b]11;rgb:0000/0000/0000\x1b\\"),
    (b"\x1b[?1007$p", b"\x1b[?1007;2$y"),
    (b"\x1b[6n", b"\x1b[1;1R"),
    (b"\x1b[c", b"\x1b[?62;22c"),
    (b"\x1b[>c", b"\x1b[>0;0;0c"),
    (b"\x1b[?u", b"\x1b[?0u"),
]


def main():
    seconds, stop_file, transcript = float(sys.argv[1]), sys.argv[2], sys.argv[3]
    program = sys.argv[sys.argv.index("--") + 1 :]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(program[0], program)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.monotonic()
    quit_at = None
    pending = b""
    with open(transcript, "wb") as log:
        while True:
            now = time.monotonic()
            if quit_at is None and (now - start > seconds or os.path.exists(stop_file)):
                quit_at = now
                for key in (b"\x03", b"\x03", b"\x04"):
                    try:
                        os.write(fd, key)
                    except OSError:
                        pass
                    time.sleep(0.3)
            if quit_at is not None and now - quit_at > 5:
                os.kill(pid, signal.SIGKILL)
                break
            ready, _, _ = select.select([fd], [], [], 0.2)
            if fd not in ready:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            log.write(data)
            log.flush()
            pending += data
            for query, answer in ANSWERS:
                while query in pending:
                    at = pending.index(query)
                    pending = pending[:at] + pending[at + len(query) :]
                    os.write(fd, answer)
            # Keep only what could be the start of a query cut in two.
            pending = pending[-32:]
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else 0)


if __name__ == "__main__":
    main()
