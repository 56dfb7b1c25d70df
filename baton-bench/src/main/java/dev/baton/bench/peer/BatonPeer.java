package dev.baton.bench.peer;

import static dev.baton.bench.peer.CheckFailed.check;

import dev.baton.Baton;
import dev.baton.Condition;
import dev.baton.Event;
import dev.baton.EventLoop;
import dev.baton.Lock;
import dev.baton.Semaphore;
import dev.baton.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Baton's blocking face in one of its two run modes. The workload bodies are the same for both;
 * only the main differs: {@code baton-loop} runs every repetition inside {@code
 * EventLoop.create().run} (one task at a time, FIFO), {@code baton-parallel} inside {@code
 * Baton.runParallel} (free virtual threads on every core). Tasks are spawned with {@link
 * Baton#spawn} and joined with {@link Task#join()} ({@link Baton#gather} in spawn_gather); "yield"
 * is {@link Baton#yieldNow()}.
 */
public final class BatonPeer implements Peer {
  /** The run mode. */
  public enum Mode {
    LOOP("baton-loop"),
    PARALLEL("baton-parallel");

    final String peerName;

    Mode(String peerName) {
      this.peerName = peerName;
    }
  }

  private final Mode mode;
  private final String name;

  public BatonPeer(Mode mode) {
    this(mode, mode.peerName);
  }

  /** A mode under another peer name (the same code in a JVM with other settings). */
  public BatonPeer(Mode mode, String name) {
    this.mode = mode;
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  private <T> T inMain(Callable<T> body) throws Exception {
    return mode == Mode.LOOP ? EventLoop.create().run(body) : Baton.runParallel(body);
  }

  @Override
  public List<Spec> specs(Params p) {
    List<Spec> l = new ArrayList<>();
    l.add(
        spec(
            Workloads.LOCK_PINGPONG,
            "tasks=2,acq=" + p.pingpongAcq + ",yield=Baton.yieldNow,lock=baton.Lock",
            () -> lockPingpong(p)));
    l.add(
        spec(
            Workloads.LOCK_CONTENDED,
            "tasks=" + p.contendedTasks + ",iters=" + p.contendedIters + ",lock=baton.Lock",
            () -> lockContended(p)));
    l.add(
        spec(
            Workloads.SEMAPHORE_LIMIT,
            "tasks=" + p.semTasks + ",permits=" + p.semLimit,
            () -> semaphoreLimit(p)));
    l.add(spec(Workloads.EVENT_BROADCAST, "tasks=" + p.eventTasks, () -> eventBroadcast(p)));
    l.add(
        spec(
            Workloads.CONDITION_PC,
            "producers=1,consumers="
                + p.pcConsumers
                + ",cap="
                + p.pcCapacity
                + ",items="
                + p.pcItems,
            () -> conditionPc(p)));
    l.add(spec(Workloads.SPAWN_GATHER, "tasks=" + p.spawnTasks, () -> spawnGather(p)));
    l.add(
        spec(
            Workloads.TASK_SWITCH,
            "tasks=2,switches=" + p.switches + ",yield=Baton.yieldNow",
            () -> taskSwitch(p)));
    return l;
  }

  private Spec spec(String workload, String params, Repetition body) {
    return new Spec(workload, params, () -> inMain(body::run));
  }

  private static void joinAll(Task<?>[] tasks) throws Exception {
    for (Task<?> t : tasks) {
      t.join();
    }
  }

  // ---------------------------------------------------------------- the workloads

  static Measured lockPingpong(Params p) throws Exception {
    int perTask = p.pingpongAcq / 2;
    Lock lock = new Lock();
    long[] st = {0, -1, 0}; // counter, last holder, handoffs; guarded by lock
    Task<?>[] ts = new Task<?>[2];
    long t0 = System.nanoTime();
    for (int k = 0; k < 2; k++) {
      int me = k;
      ts[k] =
          Baton.spawn(
              () -> {
                for (int i = 0; i < perTask; i++) {
                  lock.acquire();
                  try {
                    st[0]++;
                    if (st[1] != me) {
                      st[2]++;
                      st[1] = me;
                    }
                    Baton.yieldNow();
                  } finally {
                    lock.release();
                  }
                }
              });
    }
    joinAll(ts);
    long el = System.nanoTime() - t0;
    lock.acquire();
    try {
      check(st[0] == 2L * perTask, "counter=" + st[0] + " expected " + 2L * perTask);
      return Measured.of(Workloads.LOCK_PINGPONG, 2L * perTask, el).with("handoffs", st[2]);
    } finally {
      lock.release();
    }
  }

  static Measured lockContended(Params p) throws Exception {
    Lock lock = new Lock();
    long[] counter = {0};
    int iters = p.contendedIters;
    long t0 = System.nanoTime();
    Task<?>[] ts = new Task<?>[p.contendedTasks];
    for (int i = 0; i < ts.length; i++) {
      ts[i] =
          Baton.spawn(
              () -> {
                for (int k = 0; k < iters; k++) {
                  lock.acquire();
                  try {
                    counter[0]++;
                  } finally {
                    lock.release();
                  }
                }
              });
    }
    joinAll(ts);
    long el = System.nanoTime() - t0;
    long expect = (long) p.contendedTasks * iters;
    lock.acquire();
    try {
      check(counter[0] == expect, "counter=" + counter[0] + " expected " + expect);
    } finally {
      lock.release();
    }
    return Measured.of(Workloads.LOCK_CONTENDED, expect, el);
  }

  static Measured semaphoreLimit(Params p) throws Exception {
    Semaphore sem = new Semaphore(p.semLimit);
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger maxHolders = new AtomicInteger();
    AtomicInteger completed = new AtomicInteger();
    long t0 = System.nanoTime();
    Task<?>[] ts = new Task<?>[p.semTasks];
    for (int i = 0; i < ts.length; i++) {
      ts[i] =
          Baton.spawn(
              () -> {
                sem.acquire();
                try {
                  maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                  Baton.yieldNow();
                  holders.decrementAndGet();
                  completed.incrementAndGet();
                } finally {
                  sem.release();
                }
              });
    }
    joinAll(ts);
    long el = System.nanoTime() - t0;
    check(
        maxHolders.get() <= p.semLimit
            && completed.get() == p.semTasks
            && holders.get() == 0
            && sem.availablePermits() == p.semLimit,
        "max="
            + maxHolders.get()
            + " completed="
            + completed.get()
            + " holders="
            + holders.get()
            + " permits="
            + sem.availablePermits());
    return Measured.of(Workloads.SEMAPHORE_LIMIT, p.semTasks, el);
  }

  static Measured eventBroadcast(Params p) throws Exception {
    int n = p.eventTasks;
    Event ev = new Event();
    Event allWaiting = new Event();
    AtomicInteger announced = new AtomicInteger();
    AtomicInteger resumed = new AtomicInteger();
    long t0 = System.nanoTime();
    Task<?>[] ts = new Task<?>[n];
    for (int i = 0; i < n; i++) {
      ts[i] =
          Baton.spawn(
              () -> {
                if (announced.incrementAndGet() == n) {
                  allWaiting.set(); // the last one to wait wakes main
                }
                ev.await();
                resumed.incrementAndGet();
              });
    }
    allWaiting.await();
    long tSet = System.nanoTime();
    ev.set();
    joinAll(ts);
    long tEnd = System.nanoTime();
    check(resumed.get() == n, "resumed=" + resumed.get() + " expected " + n);
    return Measured.of(Workloads.EVENT_BROADCAST, n, tEnd - t0)
        .and(Workloads.EVENT_BROADCAST_WAKE, n, tEnd - tSet);
  }

  @Override
  public double parkedWaiterBytes(Params p) throws Exception {
    return inMain(
        () -> {
          int n = p.eventTasks;
          Event ev = new Event();
          Event allWaiting = new Event();
          AtomicInteger announced = new AtomicInteger();
          Task<?>[] ts = new Task<?>[n];
          long base = Memory.heapUsedAfterGc();
          for (int i = 0; i < n; i++) {
            ts[i] =
                Baton.spawn(
                    () -> {
                      if (announced.incrementAndGet() == n) {
                        allWaiting.set();
                      }
                      ev.await();
                    });
          }
          allWaiting.await();
          long used = Memory.heapUsedAfterGc() - base;
          ev.set();
          joinAll(ts);
          return (double) used / n;
        });
  }

  /** The bounded buffer; every field is guarded by the lock. */
  private static final class Buffer {
    final long[] items;
    int head;
    int count;
    boolean done;

    Buffer(int capacity) {
      items = new long[capacity];
    }
  }

  static Measured conditionPc(Params p) throws Exception {
    int cap = p.pcCapacity;
    long n = p.pcItems;
    Lock lock = new Lock();
    Condition notEmpty = new Condition(lock);
    Condition notFull = new Condition(lock);
    Buffer b = new Buffer(cap);
    BooleanSupplier hasRoom = () -> b.count < cap;
    BooleanSupplier hasItemOrDone = () -> b.count > 0 || b.done;
    AtomicLong sum = new AtomicLong();
    AtomicLong cnt = new AtomicLong();
    long t0 = System.nanoTime();
    Task<?>[] ts = new Task<?>[p.pcConsumers + 1];
    ts[0] =
        Baton.spawn(
            () -> {
              for (long i = 1; i <= n; i++) {
                lock.acquire();
                try {
                  notFull.awaitUntil(hasRoom);
                  b.items[(b.head + b.count) % cap] = i;
                  b.count++;
                  notEmpty.signal();
                } finally {
                  lock.release();
                }
              }
              lock.acquire();
              try {
                b.done = true;
                notEmpty.signalAll();
              } finally {
                lock.release();
              }
            });
    for (int k = 1; k < ts.length; k++) {
      ts[k] =
          Baton.spawn(
              () -> {
                long s = 0;
                long c = 0;
                while (true) {
                  lock.acquire();
                  try {
                    notEmpty.awaitUntil(hasItemOrDone);
                    if (b.count == 0) {
                      break; // done and drained
                    }
                    s += b.items[b.head];
                    b.head = (b.head + 1) % cap;
                    b.count--;
                    c++;
                    notFull.signal();
                  } finally {
                    lock.release();
                  }
                }
                sum.addAndGet(s);
                cnt.addAndGet(c);
              });
    }
    joinAll(ts);
    long el = System.nanoTime() - t0;
    long expect = n * (n + 1) / 2;
    check(
        sum.get() == expect && cnt.get() == n,
        "sum=" + sum.get() + " cnt=" + cnt.get() + " expected " + expect + "/" + n);
    return Measured.of(Workloads.CONDITION_PC, n, el);
  }

  static Measured spawnGather(Params p) throws Exception {
    int n = p.spawnTasks;
    @SuppressWarnings({"unchecked", "rawtypes"})
    Callable<Integer>[] bodies = new Callable[n];
    for (int i = 0; i < n; i++) {
      Integer idx = i;
      bodies[i] = () -> idx;
    }
    long t0 = System.nanoTime();
    List<Integer> res = Baton.gather(bodies);
    long el = System.nanoTime() - t0;
    long s = 0;
    for (int i = 0; i < n; i++) {
      check(res.get(i) == i, "result " + i + " was " + res.get(i));
      s += res.get(i);
    }
    check(s == (long) n * (n - 1) / 2, "gather sum=" + s + " expected " + (long) n * (n - 1) / 2);
    return Measured.of(Workloads.SPAWN_GATHER, n, el);
  }

  static Measured taskSwitch(Params p) throws Exception {
    int perTask = p.switches / 2;
    int[] done = new int[2];
    Task<?>[] ts = new Task<?>[2];
    long t0 = System.nanoTime();
    for (int k = 0; k < 2; k++) {
      int me = k;
      ts[k] =
          Baton.spawn(
              () -> {
                for (int i = 0; i < perTask; i++) {
                  Baton.yieldNow();
                  done[me]++;
                }
              });
    }
    joinAll(ts);
    long el = System.nanoTime() - t0;
    check(done[0] == perTask && done[1] == perTask, "yields " + done[0] + "/" + done[1]);
    return Measured.of(Workloads.TASK_SWITCH, 2L * perTask, el);
  }
}
