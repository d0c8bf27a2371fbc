# Threads to checkpoint in the middle: workers pass a token around a ring of queues, each
# sleeping a little per pass, and the main thread waits for them all.
import queue
import threading
import time

N, ROUNDS = 4, 120
rings = [queue.Queue() for _ in range(N)]
passes = [0] * N


def worker(i):
    while True:
        token = rings[i].get()
        if token is None:
            rings[(i + 1) % N].put(None)
            return
        passes[i] += 1
        time.sleep(0.0005)
        rings[(i + 1) % N].put(None if token + 1 >= N * ROUNDS else token + 1)


threads = [threading.Thread(target=worker, args=(i,)) for i in range(N)]
for t in threads:
    t.start()
rings[0].put(0)
for t in threads:
    t.join()
print("passes", passes, "total", sum(passes))
