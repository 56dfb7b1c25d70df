package dev.baton.bench.peer;

import static dev.baton.bench.peer.CheckFailed.check;

import dev.baton.Baton;
import dev.baton.Event;
import dev.baton.Held;
import dev.baton.Lock;
import dev.baton.Semaphore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Baton's async face ({@code baton-async}): no task parks; every wait is an {@code acquireAsync()}
 * or {@code awaitAsync()} future and its continuation. Baton completes a waiter's future on the
 * thread that releases to it, so the whole workload runs on the repetition's main (a task of {@code
 * Baton.runParallel}); "yield" is a post to that main's FIFO run queue, asyncio's {@code
 * call_soon}. Implemented where the workload has a natural callback form: lock_pingpong,
 * lock_contended, semaphore_limit, event_broadcast.
 */
public final class AsyncPeer implements Peer {
  @Override
  public String name() {
    return "baton-async";
  }

  @Override
  public List<Spec> specs(Params p) {
    List<Spec> l = new ArrayList<>();
    l.add(
        spec(
            Workloads.LOCK_PINGPONG,
            "tasks=2,acq=" + p.pingpongAcq + ",yield=post,lock=baton.Lock.acquireAsync",
            () -> lockPingpong(p)));
    l.add(
        spec(
            Workloads.LOCK_CONTENDED,
            "tasks="
                + p.contendedTasks
                + ",iters="
                + p.contendedIters
                + ",lock=baton.Lock.acquireAsync",
            () -> lockContended(p)));
    l.add(
        spec(
            Workloads.SEMAPHORE_LIMIT,
            "tasks=" + p.semTasks + ",permits=" + p.semLimit + ",acquireAsync",
            () -> semaphoreLimit(p)));
    l.add(
        spec(
            Workloads.EVENT_BROADCAST,
            "tasks=" + p.eventTasks + ",awaitAsync",
            () -> eventBroadcast(p)));
    return l;
  }

  private static Spec spec(String workload, String params, Repetition body) {
    return new Spec(workload, params, () -> Baton.runParallel(body::run));
  }

  /** The main's FIFO of continuations; only its own thread may post (checked). */
  static final class RunQueue {
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final Thread owner = Thread.currentThread();

    void post(Runnable r) {
      check(
          Thread.currentThread() == owner,
          "a continuation ran on " + Thread.currentThread() + ", not on main");
      queue.addLast(r);
    }

    /** Runs continuations until none is left. */
    void drain() {
      Runnable r;
      while ((r = queue.pollFirst()) != null) {
        r.run();
      }
    }
  }

  /** Runs {@code then} with the guard: at once if {@code f} is complete, else when it completes. */
  private static void acquireThen(CompletableFuture<Held> f, Consumer<Held> then) {
    if (f.isDone()) {
      then.accept(f.join());
    } else {
      f.thenAccept(then);
    }
  }

  // ---------------------------------------------------------------- the workloads

  static Measured lockPingpong(Params p) {
    int perTask = p.pingpongAcq / 2;
    Lock lock = new Lock();
    RunQueue rq = new RunQueue();
    long[] st = {0, -1, 0}; // counter, last holder, handoffs; guarded by lock
    int[] finished = {0};
    final class Worker {
      final int me;
      int left = perTask;

      Worker(int me) {
        this.me = me;
      }

      void next() {
        if (left-- == 0) {
          finished[0]++;
          return;
        }
        acquireThen(lock.acquireAsync(), this::holding);
      }

      void holding(Held h) {
        st[0]++;
        if (st[1] != me) {
          st[2]++;
          st[1] = me;
        }
        rq.post( // yield while holding
            () -> {
              h.close();
              next();
            });
      }
    }
    long t0 = System.nanoTime();
    rq.post(new Worker(0)::next);
    rq.post(new Worker(1)::next);
    rq.drain();
    long el = System.nanoTime() - t0;
    check(finished[0] == 2, "finished=" + finished[0] + " of 2");
    check(st[0] == 2L * perTask, "counter=" + st[0] + " expected " + 2L * perTask);
    check(!lock.isLocked(), "lock still held at the end");
    return Measured.of(Workloads.LOCK_PINGPONG, 2L * perTask, el).with("handoffs", st[2]);
  }

  static Measured lockContended(Params p) {
    Lock lock = new Lock();
    RunQueue rq = new RunQueue();
    long[] counter = {0};
    int[] finished = {0};
    final class Worker {
      int left = p.contendedIters;

      void run() {
        while (left > 0) {
          left--;
          CompletableFuture<Held> f = lock.acquireAsync();
          if (!f.isDone()) {
            f.thenAccept(this::resumeWith); // the lock is handed over later
            return;
          }
          holding(f.join());
        }
        finished[0]++;
      }

      void holding(Held h) {
        counter[0]++;
        h.close();
      }

      void resumeWith(Held h) {
        holding(h);
        run();
      }
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < p.contendedTasks; i++) {
      rq.post(new Worker()::run);
    }
    rq.drain();
    long el = System.nanoTime() - t0;
    long expect = (long) p.contendedTasks * p.contendedIters;
    check(finished[0] == p.contendedTasks, "finished=" + finished[0] + " of " + p.contendedTasks);
    check(counter[0] == expect, "counter=" + counter[0] + " expected " + expect);
    check(!lock.isLocked(), "lock still held at the end");
    return Measured.of(Workloads.LOCK_CONTENDED, expect, el);
  }

  static Measured semaphoreLimit(Params p) {
    Semaphore sem = new Semaphore(p.semLimit);
    RunQueue rq = new RunQueue();
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger maxHolders = new AtomicInteger();
    AtomicInteger completed = new AtomicInteger();
    Consumer<Held> holding =
        h -> {
          maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
          rq.post(
              () -> {
                holders.decrementAndGet();
                completed.incrementAndGet();
                h.close();
              });
        };
    long t0 = System.nanoTime();
    for (int i = 0; i < p.semTasks; i++) {
      rq.post(() -> acquireThen(sem.acquireAsync(), holding));
    }
    rq.drain();
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

  static Measured eventBroadcast(Params p) {
    int n = p.eventTasks;
    Event ev = new Event();
    RunQueue rq = new RunQueue();
    AtomicInteger announced = new AtomicInteger();
    AtomicInteger resumed = new AtomicInteger();
    CompletableFuture<Void> allResumed = new CompletableFuture<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      rq.post(
          () -> {
            CompletableFuture<Void> f = ev.awaitAsync();
            announced.incrementAndGet();
            f.thenRun(
                () -> {
                  if (resumed.incrementAndGet() == n) {
                    allResumed.complete(null);
                  }
                });
          });
    }
    rq.drain();
    check(announced.get() == n, "announced=" + announced.get() + " of " + n);
    long tSet = System.nanoTime();
    ev.set();
    allResumed.join();
    long tEnd = System.nanoTime();
    check(resumed.get() == n, "resumed=" + resumed.get() + " expected " + n);
    return Measured.of(Workloads.EVENT_BROADCAST, n, tEnd - t0)
        .and(Workloads.EVENT_BROADCAST_WAKE, n, tEnd - tSet);
  }

  @Override
  public double parkedWaiterBytes(Params p) throws Exception {
    return Baton.runParallel(
        () -> {
          int n = p.eventTasks;
          Event ev = new Event();
          AtomicInteger resumed = new AtomicInteger();
          List<CompletableFuture<Void>> fs = new ArrayList<>(n);
          long base = Memory.heapUsedAfterGc();
          for (int i = 0; i < n; i++) {
            fs.add(ev.awaitAsync().thenRun(resumed::incrementAndGet));
          }
          long used = Memory.heapUsedAfterGc() - base;
          ev.set();
          check(resumed.get() == n, "resumed=" + resumed.get() + " expected " + n);
          return (double) used / n;
        });
  }
}
