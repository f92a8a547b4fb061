#!/usr/bin/env python3
"""Unauthenticated peers for benchmarks/preauth-memory.sh.

Keeps N connections open to 127.0.0.1:PORT (reopening the ones the coordinator closes) for SECONDS; each one
announces a maximal frame (16 MiB) and sends half of it (8 MiB) as fast as the coordinator reads. With --tls each
connection first completes a TLS handshake (any client can: the coordinator does not authenticate clients at the
TLS layer), so the frames reach the frame decoder either way.
"""
import argparse, errno, selectors, signal, socket, ssl, struct, sys, time

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("connections", type=int)
parser.add_argument("seconds", type=float)
parser.add_argument("--tls", action="store_true")
parser.add_argument("--frame-bytes", type=int, default=16 * 1024 * 1024)
arguments = parser.parse_args()

header = struct.pack(">I", arguments.frame_bytes)
half = arguments.frame_bytes // 2
chunk = b"\xab" * 65536
context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
selector = selectors.DefaultSelector()
state = {}  # socket -> [phase, bytes sent]; phase: "connecting", "tls", "sending"
opened = closed = 0
sent_total = 0


def open_one():
    global opened
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    result = sock.connect_ex(("127.0.0.1", arguments.port))
    if result not in (0, errno.EINPROGRESS):
        sock.close()
        return False
    state[sock] = ["connecting", 0]
    selector.register(sock, selectors.EVENT_WRITE)
    opened += 1
    return True


def drop(sock):
    global closed
    try:
        selector.unregister(sock)
    except Exception:
        pass
    state.pop(sock, None)
    sock.close()
    closed += 1


stopping = False


def stop(*_):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, stop)
deadline = time.monotonic() + arguments.seconds
while time.monotonic() < deadline and not stopping:
    while len(state) < arguments.connections:
        if not open_one():
            break
    for key, _ in selector.select(timeout=0.05):
        sock = key.fileobj
        entry = state.get(sock)
        if entry is None:
            continue
        try:
            if entry[0] == "connecting":
                if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                    drop(sock)
                    continue
                if arguments.tls:
                    selector.unregister(sock)
                    wrapped = context.wrap_socket(sock, do_handshake_on_connect=False)
                    del state[sock]
                    state[wrapped] = ["tls", 0]
                    selector.register(wrapped, selectors.EVENT_READ | selectors.EVENT_WRITE)
                    sock, entry = wrapped, state[wrapped]
                else:
                    entry[0] = "sending"
            if entry[0] == "tls":
                try:
                    sock.do_handshake()
                    entry[0] = "sending"
                    selector.modify(sock, selectors.EVENT_WRITE)
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    continue
            if entry[0] == "sending":
                if entry[1] == 0:
                    sock.send(header)
                if entry[1] >= half:
                    selector.modify(sock, selectors.EVENT_READ)  # only to notice the close
                    if key.events & selectors.EVENT_READ and not sock.recv(1):
                        drop(sock)
                    continue
                count = sock.send(chunk[: min(len(chunk), half - entry[1])])
                entry[1] += count
                sent_total += count
        except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
            continue
        except (OSError, ssl.SSLError):
            drop(sock)
print(f"{opened} opened, {closed} closed by the coordinator, {sent_total / 2**20:.0f} MiB sent", file=sys.stderr)
