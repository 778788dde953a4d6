#!/usr/bin/python3
# delay_relay.py - P6 of `make bench`: a TCP relay that holds every byte a
# client sends for DELAY_MS before passing it on (the answers go back at
# once), so the server behind it is DELAY_MS of round trip away.
#
#   delay_relay.py LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS
#
# Used when the kernel has no netem qdisc (tc qdisc ... netem), to do what
# `netem delay` on the client's side of the link would: order is kept,
# each chunk is released DELAY_MS after it arrived.
import asyncio
import sys

LISTEN_HOST, LISTEN_PORT, TARGET_HOST, TARGET_PORT = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
DELAY = float(sys.argv[5]) / 1000


async def delayed(reader, writer):
    """Client -> server: every chunk is written DELAY after it was read."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def release():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    task = asyncio.create_task(release())
    try:
        while data := await reader.read(65536):
            queue.put_nowait((loop.time() + DELAY, data))
    finally:
        queue.put_nowait((0, None))
        await task


async def straight(reader, writer):
    """Server -> client: at once."""
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()


async def serve(client_reader, client_writer):
    try:
        server_reader, server_writer = await asyncio.open_connection(TARGET_HOST, TARGET_PORT)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(delayed(client_reader, server_writer), straight(server_reader, client_writer),
                         return_exceptions=True)


async def main():
    server = await asyncio.start_server(serve, LISTEN_HOST, LISTEN_PORT)
    async with server:
        await server.serve_forever()


asyncio.run(main())
