# Eight threads and a lock, an Event, a Queue between a producer and consumers, a Condition,
# a Barrier: each result the same whatever the interleaving.
import queue
import threading

lock = threading.Lock()
total = 0


def add():
    global total
    for _ in range(3000):
        with lock:
            total += 1


threads = [threading.Thread(target=add) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("total", total)

q = queue.Queue(maxsize=10)
results = []
results_lock = threading.Lock()


def consume():
    while True:
        item = q.get()
        if item is None:
            return
        with results_lock:
            results.append(item * item)


consumers = [threading.Thread(target=consume) for _ in range(3)]
for c in consumers:
    c.start()
for i in range(500):
    q.put(i)
for _ in consumers:
    q.put(None)
for c in consumers:
    c.join()
print("squares", len(results), sum(results))

ready = threading.Event()
seen = []
waiter = threading.Thread(target=lambda: seen.append(ready.wait(5)))
waiter.start()
ready.set()
waiter.join()
print("event", seen)

barrier = threading.Barrier(4)
ids = []
def meet():
    ids.append(barrier.wait() >= 0)
meeting = [threading.Thread(target=meet) for _ in range(4)]
for m in meeting:
    m.start()
for m in meeting:
    m.join()
print("barrier", sorted(ids))
print("threads left", threading.active_count())
