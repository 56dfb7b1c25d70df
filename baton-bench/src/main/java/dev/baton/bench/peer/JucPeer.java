package dev.baton.bench.peer;

import static dev.baton.bench.peer.CheckFailed.check;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The baseline: plain virtual threads and {@code java.util.concurrent}, exactly as the peer
 * harness's {@code java-vt-juc} peer (fair {@code ReentrantLock} and {@code Semaphore}, {@code
 * CountDownLatch} for the event, a non-fair lock with two conditions for the buffer, {@code
 * Thread.yield}, {@code Thread.ofVirtual().start} and {@code join}). Run it in a JVM of its own
 * with {@code -Djdk.virtualThreadScheduler.parallelism=1} or {@code =2}: every repetition's main is
 * a virtual thread, so with one carrier one thread does everything.
 */
public final class JucPeer implements Peer {
  private final String name;

  public JucPeer(String name) {
    this.name = name;
  }

  /** {@code java-vt-juc-p<N>} for this JVM's virtual-thread parallelism. */
  public static String defaultName() {
    return "java-vt-juc-p"
        + System.getProperty(
            "jdk.virtualThreadScheduler.parallelism",
            Integer.toString(Runtime.getRuntime().availableProcessors()));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Spec> specs(Params p) {
    String pp = "tasks=2,acq=" + p.pingpongAcq + ",yield=Thread.yield";
    String lc = "tasks=" + p.contendedTasks + ",iters=" + p.contendedIters;
    List<Spec> l = new ArrayList<>();
    l.add(
        spec(
            Workloads.LOCK_PINGPONG,
            pp + ",lock=ReentrantLock(fair)",
            () -> lockPingpong(p, true, Workloads.LOCK_PINGPONG)));
    l.add(
        spec(
            Workloads.LOCK_PINGPONG,
            pp + ",lock=ReentrantLock(nonfair)",
            () -> lockPingpong(p, false, Workloads.LOCK_PINGPONG + "_nonfair")));
    l.add(
        spec(
            Workloads.LOCK_CONTENDED,
            lc + ",lock=ReentrantLock(fair)",
            () -> lockContended(p, true, Workloads.LOCK_CONTENDED)));
    l.add(
        spec(
            Workloads.LOCK_CONTENDED,
            lc + ",lock=ReentrantLock(nonfair)",
            () -> lockContended(p, false, Workloads.LOCK_CONTENDED + "_nonfair")));
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
            () -> conditionPc(p, false, Workloads.CONDITION_PC)));
    l.add(
        spec(
            Workloads.CONDITION_PC,
            "producers=1,consumers="
                + p.pcConsumers
                + ",cap="
                + p.pcCapacity
                + ",items="
                + p.pcItems
                + ",lock=ReentrantLock(fair)",
            () -> conditionPc(p, true, Workloads.CONDITION_PC + "_fairlock")));
    l.add(spec(Workloads.SPAWN_GATHER, "tasks=" + p.spawnTasks, () -> spawnGather(p)));
    l.add(
        spec(
            Workloads.TASK_SWITCH,
            "tasks=2,switches=" + p.switches + ",yield=Thread.yield",
            () -> taskSwitch(p)));
    return l;
  }

  private static Spec spec(String workload, String params, Repetition body) {
    return new Spec(workload, params, () -> inVirtual(body::run));
  }

  /** Runs {@code body} as the repetition's main: a fresh virtual thread, waited for. */
  static <T> T inVirtual(Callable<T> body) throws Exception {
    Object[] out = new Object[1];
    Throwable[] err = new Throwable[1];
    Thread t =
        Thread.ofVirtual()
            .name("bench-main")
            .start(
                () -> {
                  try {
                    out[0] = body.call();
                  } catch (Throwable e) {
                    err[0] = e;
                  }
                });
    t.join();
    if (err[0] instanceof Exception e) {
      throw e;
    }
    if (err[0] instanceof Error e) {
      throw e;
    }
    @SuppressWarnings("unchecked")
    T r = (T) out[0];
    return r;
  }

  private static Thread start(Runnable r) {
    return Thread.ofVirtual().start(r);
  }

  private static void joinAll(Thread[] threads) throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
  }

  // ---------------------------------------------------------------- the workloads

  static Measured lockPingpong(Params p, boolean fair, String result) throws Exception {
    int perTask = p.pingpongAcq / 2;
    ReentrantLock lock = new ReentrantLock(fair);
    long[] st = {0, -1, 0}; // counter, last holder, handoffs; guarded by lock
    class Worker implements Runnable {
      final int me;

      Worker(int me) {
        this.me = me;
      }

      @Override
      public void run() {
        for (int i = 0; i < perTask; i++) {
          lock.lock();
          try {
            st[0]++;
            if (st[1] != me) {
              st[2]++;
              st[1] = me;
            }
            Thread.yield();
          } finally {
            lock.unlock();
          }
        }
      }
    }
    long t0 = System.nanoTime();
    Thread a = start(new Worker(0));
    Thread b = start(new Worker(1));
    a.join();
    b.join();
    long el = System.nanoTime() - t0;
    lock.lock();
    try {
      check(st[0] == 2L * perTask, "counter=" + st[0] + " expected " + 2L * perTask);
      return Measured.of(result, 2L * perTask, el).with("handoffs", st[2]);
    } finally {
      lock.unlock();
    }
  }

  static Measured lockContended(Params p, boolean fair, String result) throws Exception {
    ReentrantLock lock = new ReentrantLock(fair);
    long[] counter = {0};
    int iters = p.contendedIters;
    Runnable w =
        () -> {
          for (int i = 0; i < iters; i++) {
            lock.lock();
            try {
              counter[0]++;
            } finally {
              lock.unlock();
            }
          }
        };
    long t0 = System.nanoTime();
    Thread[] ts = new Thread[p.contendedTasks];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = start(w);
    }
    joinAll(ts);
    long el = System.nanoTime() - t0;
    long expect = (long) p.contendedTasks * iters;
    lock.lock();
    try {
      check(counter[0] == expect, "counter=" + counter[0] + " expected " + expect);
    } finally {
      lock.unlock();
    }
    return Measured.of(result, expect, el);
  }

  static Measured semaphoreLimit(Params p) throws Exception {
    Semaphore sem = new Semaphore(p.semLimit, true);
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger maxHolders = new AtomicInteger();
    AtomicInteger completed = new AtomicInteger();
    Runnable w =
        () -> {
          sem.acquireUninterruptibly();
          try {
            maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
            Thread.yield();
            holders.decrementAndGet();
            completed.incrementAndGet();
          } finally {
            sem.release();
          }
        };
    long t0 = System.nanoTime();
    Thread[] ts = new Thread[p.semTasks];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = start(w);
    }
    joinAll(ts);
    long el = System.nanoTime() - t0;
    check(
        maxHolders.get() <= p.semLimit && completed.get() == p.semTasks && holders.get() == 0,
        "max=" + maxHolders.get() + " completed=" + completed.get() + " holders=" + holders.get());
    return Measured.of(Workloads.SEMAPHORE_LIMIT, p.semTasks, el);
  }

  static Measured eventBroadcast(Params p) throws Exception {
    int n = p.eventTasks;
    CountDownLatch ev = new CountDownLatch(1);
    CountDownLatch allWaiting = new CountDownLatch(n);
    AtomicInteger resumed = new AtomicInteger();
    Runnable w =
        () -> {
          allWaiting.countDown();
          try {
            ev.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          resumed.incrementAndGet();
        };
    long t0 = System.nanoTime();
    Thread[] ts = new Thread[n];
    for (int i = 0; i < n; i++) {
      ts[i] = start(w);
    }
    allWaiting.await();
    long tSet = System.nanoTime();
    ev.countDown();
    joinAll(ts);
    long tEnd = System.nanoTime();
    check(resumed.get() == n, "resumed=" + resumed.get() + " expected " + n);
    return Measured.of(Workloads.EVENT_BROADCAST, n, tEnd - t0)
        .and(Workloads.EVENT_BROADCAST_WAKE, n, tEnd - tSet);
  }

  @Override
  public double parkedWaiterBytes(Params p) throws Exception {
    return inVirtual(
        () -> {
          int n = p.eventTasks;
          CountDownLatch ev = new CountDownLatch(1);
          CountDownLatch allWaiting = new CountDownLatch(n);
          Runnable w =
              () -> {
                allWaiting.countDown();
                try {
                  ev.await();
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              };
          Thread[] ts = new Thread[n];
          long base = Memory.heapUsedAfterGc();
          for (int i = 0; i < n; i++) {
            ts[i] = start(w);
          }
          allWaiting.await();
          long used = Memory.heapUsedAfterGc() - base;
          ev.countDown();
          joinAll(ts);
          return (double) used / n;
        });
  }

  /**
   * The bounded buffer. The peer harness's version uses the default non-fair lock; the {@code
   * _fairlock} row (not in the harness) uses a fair one, the policy Baton's Lock always has.
   */
  static Measured conditionPc(Params p, boolean fair, String result) throws Exception {
    int cap = p.pcCapacity;
    long items = p.pcItems;
    ReentrantLock lock = new ReentrantLock(fair);
    Condition notEmpty = lock.newCondition();
    Condition notFull = lock.newCondition();
    long[] buf = new long[cap];
    int[] st = {0, 0}; // head, count; guarded by lock
    boolean[] done = {false};
    AtomicLong sum = new AtomicLong();
    AtomicLong cnt = new AtomicLong();
    Runnable producer =
        () -> {
          try {
            for (long i = 1; i <= items; i++) {
              lock.lock();
              try {
                while (st[1] == cap) {
                  notFull.await();
                }
                buf[(st[0] + st[1]) % cap] = i;
                st[1]++;
                notEmpty.signal();
              } finally {
                lock.unlock();
              }
            }
            lock.lock();
            try {
              done[0] = true;
              notEmpty.signalAll();
            } finally {
              lock.unlock();
            }
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        };
    Runnable consumer =
        () -> {
          long s = 0;
          long c = 0;
          try {
            while (true) {
              lock.lock();
              try {
                while (st[1] == 0 && !done[0]) {
                  notEmpty.await();
                }
                if (st[1] == 0) {
                  break; // done and drained
                }
                s += buf[st[0]];
                st[0] = (st[0] + 1) % cap;
                st[1]--;
                c++;
                notFull.signal();
              } finally {
                lock.unlock();
              }
            }
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          sum.addAndGet(s);
          cnt.addAndGet(c);
        };
    long t0 = System.nanoTime();
    Thread[] ts = new Thread[p.pcConsumers + 1];
    ts[0] = start(producer);
    for (int i = 1; i < ts.length; i++) {
      ts[i] = start(consumer);
    }
    joinAll(ts);
    long el = System.nanoTime() - t0;
    long expect = items * (items + 1) / 2;
    check(
        sum.get() == expect && cnt.get() == items,
        "sum=" + sum.get() + " cnt=" + cnt.get() + " expected " + expect + "/" + items);
    return Measured.of(result, items, el);
  }

  static Measured spawnGather(Params p) throws Exception {
    int n = p.spawnTasks;
    long[] res = new long[n];
    long t0 = System.nanoTime();
    Thread[] ts = new Thread[n];
    for (int i = 0; i < n; i++) {
      int idx = i;
      ts[i] = start(() -> res[idx] = idx);
    }
    joinAll(ts);
    long el = System.nanoTime() - t0;
    long s = 0;
    for (long v : res) {
      s += v;
    }
    check(s == (long) n * (n - 1) / 2, "gather sum=" + s + " expected " + (long) n * (n - 1) / 2);
    return Measured.of(Workloads.SPAWN_GATHER, n, el);
  }

  static Measured taskSwitch(Params p) throws Exception {
    int perTask = p.switches / 2;
    int[] done = new int[2];
    Thread[] ts = new Thread[2];
    long t0 = System.nanoTime();
    for (int k = 0; k < 2; k++) {
      int me = k;
      ts[k] =
          start(
              () -> {
                for (int i = 0; i < perTask; i++) {
                  Thread.yield();
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
