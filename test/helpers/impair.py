#!/usr/bin/env python3
"""
A network cable with delay and loss, for the multi-host test bed (netns.ts).

This kernel has no netem (and no fq for BPF departure times), so the
impairment is made here, at the Ethernet frame level: two TAP devices, one
that the bed moves into a site's namespace (its eth0) and one that it
enslaves to the bed's bridge. Every frame read from one side is dropped with
probability LOSS, or written to the other side DELAY (+- JITTER) later. The
kernels on both ends run real TCP over it: lost segments are retransmitted,
RTO backs off, congestion control reacts, exactly as over netem. Delay, loss
and jitter apply to each direction independently (like netem on both ends of
the cable).

Standard library only. Usage:

    impair.py TAP_A TAP_B [--delay-ms 0] [--loss-percent 0] [--jitter-ms 0]
              [--limit 10000] [--seed N]

Prints "ready" on stdout once both devices exist (the fds keep working after
`ip link set TAP netns NS`). Reads commands on stdin, one per line:

    set delay=50 loss=5 jitter=0     change the impairment (omitted keys keep their value)
    stats                            print a JSON line of counters on stdout

Exits on SIGTERM/SIGINT, when stdin closes (its parent died) and when a device
disappears (its namespace was deleted). The devices are not persistent: they
vanish with this process.
"""
import argparse
import errno
import fcntl
import heapq
import json
import os
import random
import select
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
MAX_FRAME = 65536


def open_tap(name):
    fd = os.open('/dev/net/tun', os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def die_with_parent():
    # Belt and braces with the stdin check: PR_SET_PDEATHSIG = 1.
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)
    except Exception:
        pass


class Cable:
    def __init__(self, a, b, delay_ms, loss_percent, jitter_ms, limit, rng):
        self.fds = {a: b, b: a}
        self.names = {}
        self.delay = delay_ms / 1000.0
        self.loss = loss_percent / 100.0
        self.jitter = jitter_ms / 1000.0
        self.limit = limit
        self.rng = rng
        self.queue = []  # (due, seq, out_fd, frame)
        self.seq = 0
        self.counts = {'a_to_b': [0, 0, 0], 'b_to_a': [0, 0, 0]}  # read, lost, over limit
        self.write_errors = 0

    def set(self, delay=None, loss=None, jitter=None):
        if delay is not None:
            self.delay = float(delay) / 1000.0
        if loss is not None:
            self.loss = float(loss) / 100.0
        if jitter is not None:
            self.jitter = float(jitter) / 1000.0

    def receive(self, fd, direction, now):
        """Reads every frame waiting on fd; returns False when the device is gone."""
        out = self.fds[fd]
        c = self.counts[direction]
        for _ in range(4096):  # bounded per wake-up so the other side gets its turn
            try:
                frame = os.read(fd, MAX_FRAME)
            except BlockingIOError:
                return True
            except OSError as e:
                if e.errno in (errno.EINTR,):
                    continue
                return False  # EBADFD/EIO: the device was unregistered
            if not frame:
                return False
            c[0] += 1
            if self.loss > 0 and self.rng.random() < self.loss:
                c[1] += 1
                continue
            if len(self.queue) >= self.limit:
                c[2] += 1
                continue
            d = self.delay
            if self.jitter > 0:
                d = max(0.0, d + self.rng.uniform(-self.jitter, self.jitter))
            if d <= 0 and not self.queue:
                self.write(out, frame)
                continue
            self.seq += 1
            heapq.heappush(self.queue, (now + d, self.seq, out, frame))
        return True

    def write(self, fd, frame):
        try:
            os.write(fd, frame)
        except OSError:
            # The other side's link is down (cable pulled) or its queue is full:
            # the frame is lost, as on a wire.
            self.write_errors += 1

    def flush(self, now):
        q = self.queue
        while q and q[0][0] <= now:
            _, _, out, frame = heapq.heappop(q)
            self.write(out, frame)

    def next_timeout(self, now):
        if not self.queue:
            return None
        return max(0.0, self.queue[0][0] - now)

    def stats(self):
        out = {'delayMs': self.delay * 1000, 'lossPercent': self.loss * 100, 'jitterMs': self.jitter * 1000,
               'queued': len(self.queue), 'writeErrors': self.write_errors}
        for k, (read, lost, over) in self.counts.items():
            out[k] = {'frames': read, 'lost': lost, 'overLimit': over}
        return out


def main():
    p = argparse.ArgumentParser(description='a TAP-to-TAP cable with delay and loss')
    p.add_argument('tap_a')
    p.add_argument('tap_b')
    p.add_argument('--delay-ms', type=float, default=0.0)
    p.add_argument('--loss-percent', type=float, default=0.0)
    p.add_argument('--jitter-ms', type=float, default=0.0)
    p.add_argument('--limit', type=int, default=10000, help='frames held at most (like netem limit)')
    p.add_argument('--seed', type=int, default=None)
    args = p.parse_args()

    die_with_parent()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))

    a = open_tap(args.tap_a)
    b = open_tap(args.tap_b)
    cable = Cable(a, b, args.delay_ms, args.loss_percent, args.jitter_ms, args.limit, random.Random(args.seed))
    direction = {a: 'a_to_b', b: 'b_to_a'}
    stdin = sys.stdin.fileno()
    os.set_blocking(stdin, False)
    pending = b''

    ep = select.epoll()
    ep.register(a, select.EPOLLIN)
    ep.register(b, select.EPOLLIN)
    ep.register(stdin, select.EPOLLIN | select.EPOLLHUP)
    sys.stdout.write('ready\n')
    sys.stdout.flush()

    while not stop:
        now = time.monotonic()
        cable.flush(now)
        timeout = cable.next_timeout(now)
        try:
            events = ep.poll(-1 if timeout is None else max(timeout, 0.0005))
        except InterruptedError:
            continue
        now = time.monotonic()
        for fd, ev in events:
            if fd == stdin:
                try:
                    chunk = os.read(stdin, 4096)
                except BlockingIOError:
                    continue
                if not chunk:
                    stop.append(1)  # parent gone
                    break
                pending += chunk
                while b'\n' in pending:
                    line, pending = pending.split(b'\n', 1)
                    words = line.decode(errors='replace').split()
                    if not words:
                        continue
                    if words[0] == 'set':
                        kv = dict(w.split('=', 1) for w in words[1:] if '=' in w)
                        cable.set(kv.get('delay'), kv.get('loss'), kv.get('jitter'))
                        sys.stdout.write('ok\n')
                    elif words[0] == 'stats':
                        sys.stdout.write(json.dumps(cable.stats()) + '\n')
                    else:
                        sys.stdout.write('error unknown command\n')
                    sys.stdout.flush()
            elif not cable.receive(fd, direction[fd], now):
                stop.append(1)
                break
    sys.stderr.write(json.dumps(cable.stats()) + '\n')


if __name__ == '__main__':
    main()
