# os.fork and os.pipe, subprocess.run, signal.alarm with a handler, setitimer.
import os
import signal
import subprocess
import sys
import time

r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    os.write(w, b"hello from the child")
    os._exit(3)
os.close(w)
data = b""
while True:
    chunk = os.read(r, 4096)
    if not chunk:
        break
    data += chunk
_, status = os.waitpid(pid, 0)
print(data.decode(), os.WEXITSTATUS(status))

busybox = sys.argv[1]
out = subprocess.run([busybox, "sh", "-c", "echo out; echo err >&2; exit 4"], capture_output=True)
print(out.returncode, out.stdout, out.stderr)
print(subprocess.check_output([busybox, "seq", "1", "5"]).split())
p = subprocess.Popen([busybox, "tr", "a-z", "A-Z"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
print(p.communicate(b"piped through tr\n")[0], p.returncode)

fired = []
signal.signal(signal.SIGALRM, lambda s, f: fired.append(s))
signal.alarm(1)
while not fired:
    time.sleep(0.01)
print("alarm", fired)
ticks = []
signal.signal(signal.SIGALRM, lambda s, f: ticks.append(1))
signal.setitimer(signal.ITIMER_REAL, 0.01, 0.01)
while len(ticks) < 5:
    signal.pause()
signal.setitimer(signal.ITIMER_REAL, 0)
print("itimer ticks >= 5:", len(ticks) >= 5)
