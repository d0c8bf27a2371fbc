"""asyncio's event loop (its self-pipe is a socket pair), its subprocesses, stream pairs over
socket.socketpair, and a multiprocessing.connection Pipe (a socket pair passing pickles)."""
import asyncio
import multiprocessing.connection
import socket
import sys

busybox = sys.argv[1]


async def echo_pair():
    a, b = socket.socketpair()
    r1, w1 = await asyncio.open_connection(sock=a)
    r2, w2 = await asyncio.open_connection(sock=b)
    for i in range(20):
        w1.write(f"line {i}\n".encode())
        await w1.drain()
        line = await r2.readline()
        w2.write(line.upper())
        await w2.drain()
        back = await r1.readline()
        assert back == f"LINE {i}\n".encode(), back
    w1.close()
    print("eof seen:", await r2.read() == b"")
    w2.close()
    return "pair ok"


async def children():
    procs = [await asyncio.create_subprocess_exec(busybox, "sh", "-c", f"echo child {i}; exit {i}",
                                                  stdout=asyncio.subprocess.PIPE) for i in range(4)]
    outs = await asyncio.gather(*(p.communicate() for p in procs))
    return [(o[0].decode().strip(), p.returncode) for o, p in zip(outs, procs)]


async def main():
    print(await echo_pair())
    print(await children())
    results = await asyncio.gather(*(asyncio.sleep(0.01 * i, result=i) for i in range(5)))
    print("sleeps", results)


asyncio.run(main())
c1, c2 = multiprocessing.connection.Pipe()
c1.send({"list": [1, 2, 3], "text": "é"})
print("connection", c2.recv())
d1, d2 = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
d1.send(b"datagram")
print("dgram", d2.recv(3))
