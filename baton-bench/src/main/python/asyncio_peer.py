#!/usr/bin/env python3
"""The CPython asyncio column of `./baton bench`: the peer workloads on asyncio.

Same workloads, flags and output as the Java peers (see dev.baton.bench.peer):
  RESULT python-asyncio <workload> <params> <ops_per_sec> <elapsed_s> <extra>
with the median of --repeat runs after --warmup discarded ones. Everything runs in one
asyncio.Runner main coroutine on the default event loop, one thread. `task_switch` is two
tasks ping-ponging through `await asyncio.sleep(0)`: the number to hold Baton's
EventLoop task switch against.

Standalone: python3 asyncio_peer.py --workloads task_switch --switches 200000
"""
import argparse
import asyncio
import gc
import statistics
import sys
import time
import tracemalloc
from collections import deque

PEER = "python-asyncio"


class CheckFailed(Exception):
    pass


def check(ok, message):
    if not ok:
        raise CheckFailed(message)


def peak_rss_mib():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


# ---------------------------------------------------------------- the workloads
# Each returns ({result: (ops, seconds)}, {aux: value}) for one fresh repetition.

async def lock_pingpong(p):
    per_task = p.pingpong_acq // 2
    lock = asyncio.Lock()
    st = {"counter": 0, "last": -1, "handoffs": 0}

    async def worker(me):
        for _ in range(per_task):
            async with lock:
                st["counter"] += 1
                if st["last"] != me:
                    st["handoffs"] += 1
                    st["last"] = me
                await asyncio.sleep(0)  # yield while holding

    t0 = time.perf_counter()
    await asyncio.gather(asyncio.create_task(worker(0)), asyncio.create_task(worker(1)))
    el = time.perf_counter() - t0
    check(st["counter"] == 2 * per_task, f"counter={st['counter']} expected {2 * per_task}")
    return {"lock_pingpong": (2 * per_task, el)}, {"handoffs": st["handoffs"]}


async def lock_contended(p):
    lock = asyncio.Lock()
    counter = [0]
    iters = p.contended_iters

    async def worker():
        for _ in range(iters):
            async with lock:
                counter[0] += 1

    t0 = time.perf_counter()
    await asyncio.gather(*[asyncio.create_task(worker()) for _ in range(p.contended_tasks)])
    el = time.perf_counter() - t0
    expect = p.contended_tasks * iters
    check(counter[0] == expect, f"counter={counter[0]} expected {expect}")
    return {"lock_contended": (expect, el)}, {}


async def semaphore_limit(p):
    sem = asyncio.Semaphore(p.sem_limit)
    st = {"holders": 0, "max": 0, "completed": 0}

    async def worker():
        async with sem:
            st["holders"] += 1
            st["max"] = max(st["max"], st["holders"])
            await asyncio.sleep(0)
            st["holders"] -= 1
            st["completed"] += 1

    t0 = time.perf_counter()
    await asyncio.gather(*[asyncio.create_task(worker()) for _ in range(p.sem_tasks)])
    el = time.perf_counter() - t0
    check(st["max"] <= p.sem_limit and st["completed"] == p.sem_tasks and st["holders"] == 0,
          f"max={st['max']} completed={st['completed']} holders={st['holders']}")
    return {"semaphore_limit": (p.sem_tasks, el)}, {}


def _waiters(n, ev, all_waiting, resumed):
    announced = [0]

    async def waiter():
        announced[0] += 1
        if announced[0] == n:
            all_waiting.set()  # the last one to wait wakes main
        await ev.wait()
        resumed[0] += 1

    return [asyncio.create_task(waiter()) for _ in range(n)]


async def event_broadcast(p):
    n = p.event_tasks
    ev, all_waiting, resumed = asyncio.Event(), asyncio.Event(), [0]
    t0 = time.perf_counter()
    tasks = _waiters(n, ev, all_waiting, resumed)
    await all_waiting.wait()
    t_set = time.perf_counter()
    ev.set()
    await asyncio.gather(*tasks)
    t_end = time.perf_counter()
    check(resumed[0] == n, f"resumed={resumed[0]} expected {n}")
    return {"event_broadcast": (n, t_end - t0), "event_broadcast_wake": (n, t_end - t_set)}, {}


async def parked_waiter_bytes(p):
    """Untimed: Python-heap bytes per parked waiter (tracemalloc)."""
    n = p.event_tasks
    ev, all_waiting, resumed = asyncio.Event(), asyncio.Event(), [0]
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tasks = _waiters(n, ev, all_waiting, resumed)
    await all_waiting.wait()
    gc.collect()
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    ev.set()
    await asyncio.gather(*tasks)
    return used / n


async def condition_pc(p):
    cap, n = p.pc_capacity, p.pc_items
    lock = asyncio.Lock()
    not_empty, not_full = asyncio.Condition(lock), asyncio.Condition(lock)
    buf = deque()
    st = {"done": False, "sum": 0, "cnt": 0}
    has_room = lambda: len(buf) < cap  # noqa: E731
    has_item_or_done = lambda: bool(buf) or st["done"]  # noqa: E731

    async def producer():
        for i in range(1, n + 1):
            async with lock:
                await not_full.wait_for(has_room)
                buf.append(i)
                not_empty.notify()
        async with lock:
            st["done"] = True
            not_empty.notify_all()

    async def consumer():
        s = c = 0
        while True:
            async with lock:
                await not_empty.wait_for(has_item_or_done)
                if not buf:
                    break  # done and drained
                s += buf.popleft()
                c += 1
                not_full.notify()
        st["sum"] += s
        st["cnt"] += c

    t0 = time.perf_counter()
    await asyncio.gather(asyncio.create_task(producer()),
                         *[asyncio.create_task(consumer()) for _ in range(p.pc_consumers)])
    el = time.perf_counter() - t0
    expect = n * (n + 1) // 2
    check(st["sum"] == expect and st["cnt"] == n, f"sum={st['sum']} cnt={st['cnt']}")
    return {"condition_pc": (n, el)}, {}


async def spawn_gather(p):
    n = p.spawn_tasks

    async def trivial(i):
        return i

    t0 = time.perf_counter()
    res = await asyncio.gather(*[asyncio.create_task(trivial(i)) for i in range(n)])
    el = time.perf_counter() - t0
    check(sum(res) == n * (n - 1) // 2, "bad gather sum")
    return {"spawn_gather": (n, el)}, {}


async def task_switch(p):
    per_task = p.switches // 2
    done = [0, 0]

    async def pinger(me):
        for _ in range(per_task):
            await asyncio.sleep(0)
            done[me] += 1

    t0 = time.perf_counter()
    await asyncio.gather(asyncio.create_task(pinger(0)), asyncio.create_task(pinger(1)))
    el = time.perf_counter() - t0
    check(done == [per_task, per_task], f"yields {done}")
    return {"task_switch": (2 * per_task, el)}, {}


WORKLOADS = [
    ("lock_pingpong", lock_pingpong, lambda p: f"tasks=2,acq={p.pingpong_acq},yield=sleep0"),
    ("lock_contended", lock_contended,
     lambda p: f"tasks={p.contended_tasks},iters={p.contended_iters}"),
    ("semaphore_limit", semaphore_limit, lambda p: f"tasks={p.sem_tasks},permits={p.sem_limit}"),
    ("event_broadcast", event_broadcast, lambda p: f"tasks={p.event_tasks}"),
    ("condition_pc", condition_pc,
     lambda p: f"producers=1,consumers={p.pc_consumers},cap={p.pc_capacity},items={p.pc_items}"),
    ("spawn_gather", spawn_gather, lambda p: f"tasks={p.spawn_tasks}"),
    ("task_switch", task_switch, lambda p: f"tasks=2,switches={p.switches},yield=sleep0"),
]


def parse_args(argv):
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    num = lambda s: int(s.replace("_", ""))  # noqa: E731
    a.add_argument("--workloads", default=None)
    a.add_argument("--warmup", type=num, default=0)
    a.add_argument("--repeat", type=num, default=3)
    a.add_argument("--pingpong-acq", type=num, default=200_000)
    a.add_argument("--contended-tasks", type=num, default=1000)
    a.add_argument("--contended-iters", type=num, default=200)
    a.add_argument("--sem-tasks", type=num, default=100_000)
    a.add_argument("--sem-limit", type=num, default=100)
    a.add_argument("--event-tasks", type=num, default=100_000)
    a.add_argument("--pc-consumers", type=num, default=100)
    a.add_argument("--pc-capacity", type=num, default=64)
    a.add_argument("--pc-items", type=num, default=1_000_000)
    a.add_argument("--spawn-tasks", type=num, default=100_000)
    a.add_argument("--switches", type=num, default=200_000)
    a.add_argument("--no-memory-pass", action="store_true")
    return a.parse_args(argv)


def main(argv):
    p = parse_args(argv)
    wanted = p.workloads.split(",") if p.workloads else None
    print(f"# {PEER}: CPython {sys.version.split()[0]} ({sys.executable}), asyncio default loop,"
          f" warmup={p.warmup}, repeat={p.repeat} (median reported)", flush=True)
    failures = 0
    with asyncio.Runner() as runner:
        for name, fn, params in WORKLOADS:
            if wanted is not None and name not in wanted:
                continue
            gc.collect()
            reset_peak_rss()
            samples, aux = {}, {}
            try:
                for i in range(p.warmup + p.repeat):
                    timings, aux = runner.run(fn(p))
                    for result, (ops, secs) in timings.items():
                        print(f"# {PEER} {result} run={i}{' (warmup)' if i < p.warmup else ''}"
                              f" {ops / secs:.1f} ops/s {secs:.4f}s", file=sys.stderr)
                        if i >= p.warmup:
                            samples.setdefault(result, []).append((ops / secs, secs))
            except CheckFailed as e:
                failures += 1
                msg = str(e).replace(" ", "_")
                print(f"RESULT {PEER} {name} {params(p)} FAIL NaN error=verify:{msg}", flush=True)
                continue
            extra = "".join(f",{k}={v}" for k, v in aux.items())
            if name == "event_broadcast" and not p.no_memory_pass:
                extra += f",perTaskB={runner.run(parked_waiter_bytes(p)):.0f}(tracemalloc)"
            rss = peak_rss_mib()
            for result, l in samples.items():
                ops = statistics.median(x[0] for x in l)
                secs = statistics.median(x[1] for x in l)
                ex = f"rssHWM_MiB={rss:.1f},best={max(x[0] for x in l):.1f},runs={len(l)},stat=median"
                ex += extra
                if result == "task_switch":
                    ex += f",ns_per_switch={1e9 / ops:.1f}"
                print(f"RESULT {PEER} {result} {params(p)} {ops:.1f} {secs:.4f} {ex}", flush=True)
    print(f"# cpu_s={time.process_time():.2f}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
