#!/usr/bin/env python3
"""A TCP relay that adds a fixed one-way delay to every byte in both directions, without limiting throughput:
each chunk is forwarded DELAY ms after it arrived (a delay line, not stop-and-wait), in order.

Stands in for `tc qdisc netem` on kernels without sch_netem: workers dial the relay (coordinator.advertise) and
the relay dials the coordinator (coordinator.listen), so only the worker connections are delayed, not SSH.

Usage: delay-proxy.py LISTEN_HOST:PORT UPSTREAM_HOST:PORT DELAY_MS
"""

import asyncio
import sys


async def relay(reader, writer, delay):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def send():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                try:
                    writer.write_eof()
                except (OSError, RuntimeError):
                    pass
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(send())
    try:
        while True:
            data = await reader.read(1 << 16)
            queue.put_nowait((loop.time() + delay, data))
            if not data:
                break
        await sender
    except (ConnectionError, OSError):
        sender.cancel()
    finally:
        writer.close()


async def main():
    listen_host, listen_port = sys.argv[1].rsplit(":", 1)
    upstream_host, upstream_port = sys.argv[2].rsplit(":", 1)
    delay = float(sys.argv[3]) / 1000

    async def accept(client_reader, client_writer):
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(upstream_host, int(upstream_port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            relay(client_reader, upstream_writer, delay),
            relay(upstream_reader, client_writer, delay),
            return_exceptions=True,
        )

    server = await asyncio.start_server(accept, listen_host, int(listen_port))
    print(f"delay-proxy: {sys.argv[1]} -> {sys.argv[2]}, +{sys.argv[3]} ms each way", file=sys.stderr, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
