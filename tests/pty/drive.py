"""Runs a command in a real pseudo-terminal (its controlling terminal) and answers its prompts.

usage: drive.py ANSWERS COMMAND...   ANSWERS: comma-separated lines to type, one per prompt ending in "[q]uit: "
Prints one JSON object: {"code": exit code, "output": everything the terminal showed, "prompts": prompts seen}.
With DRIVE_BEFORE_FIRST_ANSWER=SHELL-COMMAND, that command runs (and finishes) once the first prompt is shown and
before it is answered: a concurrent writer acting while the user reads.
"""
import json
import os
import pty
import select
import signal
import subprocess
import sys
import time

answers = [answer for answer in sys.argv[1].split(",") if answer] if sys.argv[1] else []
command = sys.argv[2:]
PROMPT = b"[q]uit: "
meanwhile = os.environ.pop("DRIVE_BEFORE_FIRST_ANSWER", None)

pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm"
    os.execvp(command[0], command)

output = b""
prompts = 0
deadline = time.time() + 120
while True:
    if time.time() > deadline:
        os.kill(pid, signal.SIGKILL)
        output += b"\n[drive.py: timed out]\n"
        break
    ready, _, _ = select.select([fd], [], [], 0.2)
    if fd not in ready:
        continue
    try:
        data = os.read(fd, 65536)
    except OSError:  # EIO: the child closed the terminal
        break
    if not data:
        break
    output += data
    while prompts < output.count(PROMPT):
        prompts += 1
        if meanwhile is not None:
            subprocess.run(["sh", "-c", meanwhile], check=True)
            meanwhile = None
        if answers:
            os.write(fd, (answers.pop(0) + "\n").encode())

_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
print(json.dumps({"code": code, "output": output.decode("utf-8", "replace"), "prompts": prompts}))
