package dev.baton.stress;

import dev.baton.Baton;
import dev.baton.BoundedSemaphore;
import dev.baton.Held;
import dev.baton.Lock;
import dev.baton.Semaphore;
import dev.baton.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One randomized race over a {@link Lock}, {@link Semaphore} or {@link BoundedSemaphore}: thousands
 * of virtual threads and tasks acquire it through every face (blocking, timed with tiny timeouts,
 * {@code tryAcquire}, {@code hold()}, {@code Baton.timeout}, {@code acquireAsync} consumed on the
 * thread or in a callback) while cancellers interrupt threads, cancel tasks, and cancel, time out
 * or complete the futures, all racing the hand-offs.
 *
 * <p>What one iteration checks, exactly:
 *
 * <ul>
 *   <li><b>Exclusion.</b> An atomic count of holders, raised on entering the critical section and
 *       lowered on leaving it, never exceeds the capacity (1 for a lock). For a lock a plain,
 *       unsynchronized counter incremented with a pause between read and write must end equal to
 *       the number of acquisitions: two overlapping holders would lose an increment.
 *   <li><b>Nothing lost or created.</b> After everything settles: the primitive is free ({@code
 *       availablePermits() == initial}, or unlocked), nobody is queued ({@code
 *       statistics().waiting() == 0}), exactly {@code capacity} {@code tryAcquire()}s succeed and
 *       the next one fails, and a bounded semaphore refuses one release too many.
 *   <li><b>Every request has exactly one outcome.</b> Acquired + withdrawn (interrupt, cancel,
 *       future cancelled or completed by its user) + timed out + refused == bodies started; and
 *       every acquisition was followed by exactly one release (the critical section runs once per
 *       acquisition and releases in its {@code finally}).
 *   <li><b>Grant wins over a late cancel.</b> A blocking acquire that returns normally after a
 *       cancel was sent returns with the interrupt status still set; one that throws {@code
 *       InterruptedException} or times out does not own the lock.
 *   <li><b>No hang.</b> Every worker finishes within {@link Stress#ITERATION_BOUND}.
 * </ul>
 */
final class AcquireRace {
  /** The primitive under test, through the operations its faces share. */
  interface Subject {
    String name();

    int capacity();

    void acquire() throws InterruptedException;

    boolean acquire(Duration timeout) throws InterruptedException;

    boolean tryAcquire();

    Held hold() throws InterruptedException;

    CompletableFuture<Held> acquireAsync();

    void release();

    /** Whether the calling thread owns it, for a lock; {@code true} for a semaphore (no owner). */
    boolean ownedByCaller();

    /** For a lock: whether the caller does not own it; {@code true} for a semaphore. */
    boolean notOwnedByCaller();

    int available();

    int waiting();

    /** Whether the primitive refuses a release above its bound (a bounded semaphore). */
    boolean bounded();
  }

  static Subject lock() {
    Lock lock = new Lock();
    return new Subject() {
      @Override
      public String name() {
        return "Lock";
      }

      @Override
      public int capacity() {
        return 1;
      }

      @Override
      public void acquire() throws InterruptedException {
        lock.acquire();
      }

      @Override
      public boolean acquire(Duration timeout) throws InterruptedException {
        return lock.acquire(timeout);
      }

      @Override
      public boolean tryAcquire() {
        return lock.tryAcquire();
      }

      @Override
      public Held hold() throws InterruptedException {
        return lock.hold();
      }

      @Override
      public CompletableFuture<Held> acquireAsync() {
        return lock.acquireAsync();
      }

      @Override
      public void release() {
        lock.release();
      }

      @Override
      public boolean ownedByCaller() {
        return lock.isHeldByCurrentThread();
      }

      @Override
      public boolean notOwnedByCaller() {
        return !lock.isHeldByCurrentThread();
      }

      @Override
      public int available() {
        return lock.isLocked() ? 0 : 1;
      }

      @Override
      public int waiting() {
        return lock.statistics().waiting();
      }

      @Override
      public boolean bounded() {
        return true; // releasing an unlocked lock throws
      }

      @Override
      public String toString() {
        return lock.toString();
      }
    };
  }

  static Subject semaphore(int permits, boolean bounded) {
    Semaphore sem = bounded ? new BoundedSemaphore(permits) : new Semaphore(permits);
    return new Subject() {
      @Override
      public String name() {
        return sem.getClass().getSimpleName() + "(" + permits + ")";
      }

      @Override
      public int capacity() {
        return permits;
      }

      @Override
      public void acquire() throws InterruptedException {
        sem.acquire();
      }

      @Override
      public boolean acquire(Duration timeout) throws InterruptedException {
        return sem.acquire(timeout);
      }

      @Override
      public boolean tryAcquire() {
        return sem.tryAcquire();
      }

      @Override
      public Held hold() throws InterruptedException {
        return sem.hold();
      }

      @Override
      public CompletableFuture<Held> acquireAsync() {
        return sem.acquireAsync();
      }

      @Override
      public void release() {
        sem.release();
      }

      @Override
      public boolean ownedByCaller() {
        return true;
      }

      @Override
      public boolean notOwnedByCaller() {
        return true;
      }

      @Override
      public int available() {
        return sem.availablePermits();
      }

      @Override
      public int waiting() {
        return sem.statistics().waiting();
      }

      @Override
      public boolean bounded() {
        return bounded;
      }

      @Override
      public String toString() {
        return sem.toString();
      }
    };
  }

  /** How a worker asks for the primitive. */
  enum Op {
    ACQUIRE,
    ACQUIRE_TIMED,
    TRY_ACQUIRE,
    HOLD,
    TIMEOUT_BLOCK,
    ASYNC_ON_THREAD,
    ASYNC_IN_CALLBACK
  }

  /** Where the workers run. */
  enum Mode {
    /**
     * Plain virtual threads (cancelled by interrupt) and Baton tasks off any loop (Task.cancel).
     */
    THREADS,
    /** Baton tasks inside {@code Baton.runParallel}, cancelled by {@code Task.cancel}. */
    PARALLEL
  }

  /** One worker and what a canceller can reach of it. */
  static final class Target {
    final Op op;
    final boolean asTask;
    final boolean doomed;
    final boolean roving;
    volatile Thread thread;
    volatile Task<?> task;
    volatile CompletableFuture<Held> future;
    volatile boolean armed;
    volatile boolean finished;
    volatile boolean cancelSent;

    Target(Op op, boolean asTask, boolean doomed, boolean roving) {
      this.op = op;
      this.asTask = asTask;
      this.doomed = doomed;
      this.roving = roving;
    }
  }

  /** Totals over all iterations of one test, for the report. */
  static final class Totals {
    final LongAdder workers = new LongAdder();
    final LongAdder acquired = new LongAdder();
    final LongAdder withdrawn = new LongAdder();
    final LongAdder timedOut = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder cancelsSent = new LongAdder();

    String summary() {
      return String.format(
          "%,d workers: %,d acquired, %,d withdrawn, %,d timed out, %,d refused; %,d cancels sent",
          workers.sum(),
          acquired.sum(),
          withdrawn.sum(),
          timedOut.sum(),
          refused.sum(),
          cancelsSent.sum());
    }
  }

  private final Subject s;
  private final Mode mode;
  private final int workers;
  private final Stress.Failures failures = new Stress.Failures();
  private final AtomicInteger holders = new AtomicInteger();
  private final LongAdder started = new LongAdder();
  private final LongAdder acquired = new LongAdder();
  private final LongAdder withdrawn = new LongAdder();
  private final LongAdder timedOut = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder cancelsSent = new LongAdder();

  /** Incremented without synchronization inside the critical section of a capacity-1 primitive. */
  private long plainCounter;

  private AcquireRace(Subject s, Mode mode, int workers) {
    this.s = s;
    this.mode = mode;
    this.workers = workers;
  }

  /** Runs one iteration and checks its invariants; adds its counts to {@code totals}. */
  static void iteration(Subject s, Mode mode, int workers, int iteration, Totals totals)
      throws Exception {
    AcquireRace race = new AcquireRace(s, mode, workers);
    race.run(iteration);
    totals.workers.add(workers);
    totals.acquired.add(race.acquired.sum());
    totals.withdrawn.add(race.withdrawn.sum());
    totals.timedOut.add(race.timedOut.sum());
    totals.refused.add(race.refused.sum());
    totals.cancelsSent.add(race.cancelsSent.sum());
  }

  private String state() {
    return String.format(
        "%s; holders=%d started=%d acquired=%d withdrawn=%d timedOut=%d refused=%d",
        s,
        holders.get(),
        started.sum(),
        acquired.sum(),
        withdrawn.sum(),
        timedOut.sum(),
        refused.sum());
  }

  private void run(int iteration) throws Exception {
    Target[] targets = new Target[workers];
    Op[] ops = Op.values();
    for (int i = 0; i < workers; i++) {
      Op op = ops[Stress.random().nextInt(ops.length)];
      boolean asTask = mode == Mode.PARALLEL || Stress.chance(40);
      targets[i] = new Target(op, asTask, Stress.chance(30), Stress.chance(20));
    }
    if (mode == Mode.THREADS) {
      launchAndJoin(targets);
    } else {
      Stress.runBounded(
          "runParallel-" + s.name(),
          Stress.ITERATION_BOUND,
          () -> {
            Baton.runParallel(() -> launchAndJoin(targets));
            return null;
          });
    }
    String where = s.name() + " iteration " + iteration + " (" + mode + ")";
    failures.assertNone(where);
    check(holders.get() == 0, where + ": holders left " + holders.get());
    long outcomes = acquired.sum() + withdrawn.sum() + timedOut.sum() + refused.sum();
    check(
        outcomes == started.sum(),
        where + ": " + outcomes + " outcomes for " + started.sum() + " requests; " + state());
    if (s.capacity() == 1) {
      check(
          plainCounter == acquired.sum(),
          where + ": exclusion broken, counter " + plainCounter + " != acquisitions " + acquired);
    }
    check(
        s.available() == s.capacity(),
        where + ": permits not back, " + s.available() + " of " + s.capacity() + "; " + state());
    check(s.waiting() == 0, where + ": still queued: " + state());
    // The primitive still counts right: exactly capacity permits, not one more.
    for (int i = 0; i < s.capacity(); i++) {
      check(s.tryAcquire(), where + ": tryAcquire " + i + " of " + s.capacity() + " failed");
    }
    // (from another thread: the lock's owner may not even try)
    boolean[] extra = new boolean[1];
    Thread.ofVirtual().start(() -> extra[0] = s.tryAcquire()).join();
    check(!extra[0], where + ": a permit was created: " + state());
    for (int i = 0; i < s.capacity(); i++) {
      s.release();
    }
    if (s.bounded()) {
      try {
        s.release();
        throw new AssertionError(where + ": release above the bound was accepted: " + state());
      } catch (IllegalStateException expected) {
        // refused, state unchanged
      }
    }
    check(s.available() == s.capacity(), where + ": after refill " + state());
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new AssertionError(message);
    }
  }

  /** Starts cancellers and workers, then waits for all of them (bounded). */
  private void launchAndJoin(Target[] targets) throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Task<?>> tasks = new ArrayList<>();
    int cancellers = 3;
    for (int c = 0; c < cancellers; c++) {
      int first = c;
      threads.add(
          Thread.ofVirtual()
              .name("canceller-" + c)
              .start(() -> cancelLoop(targets, first, cancellers)));
    }
    for (Target t : targets) {
      if (t.asTask) {
        Task<Void> task = Baton.spawn(() -> body(t));
        t.task = task;
        tasks.add(task);
      } else {
        Thread th = Thread.ofVirtual().unstarted(() -> body(t));
        t.thread = th;
        threads.add(th);
        th.start();
      }
    }
    Thread rover = Thread.ofVirtual().name("rover").start(() -> roveLoop(targets));
    try {
      Stress.joinAll(threads, tasks, Stress.ITERATION_BOUND, this::state);
    } finally {
      roving = false;
      rover.join();
    }
  }

  private volatile boolean roving = true;

  /**
   * Cancels random roving targets again and again while they wait, so that some cancels land at the
   * moment of their grant: between the grant and the wake-up of a parked thread (the interrupt must
   * then survive), or between the grant and the completion of a future (the permit must then be
   * passed on).
   */
  private void roveLoop(Target[] targets) {
    while (roving) {
      Target t = targets[Stress.random().nextInt(targets.length)];
      if (t.roving && t.armed && !t.finished) {
        cancel(t);
      }
      LockSupport.parkNanos(Stress.random().nextInt(1_000, 20_000));
    }
  }

  /** Cancels every {@code step}-th doomed target, each once, at a random moment. */
  private void cancelLoop(Target[] targets, int first, int step) {
    for (int i = first; i < targets.length; i += step) {
      Target t = targets[i];
      if (!t.doomed) {
        continue;
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!t.armed && (t.task == null || !t.task.isDone()) && System.nanoTime() < deadline) {
        LockSupport.parkNanos(20_000); // not Thread.yield(): yielding threads starve new ones
      }
      Stress.jitter();
      cancel(t);
    }
  }

  private void cancel(Target t) {
    CompletableFuture<Held> f = t.future;
    if (f != null && Stress.chance(75)) {
      switch (Stress.random().nextInt(4)) {
        case 0, 1 -> f.cancel(Stress.random().nextBoolean());
        case 2 -> f.completeExceptionally(new TimeoutException("cancelled by the stress test"));
        default -> f.complete(null);
      }
      cancelsSent.increment();
      return;
    }
    Task<?> task = t.task;
    if (task != null) {
      task.cancel();
      t.cancelSent = true;
      cancelsSent.increment();
      return;
    }
    Thread th = t.thread;
    if (th != null) {
      th.interrupt();
      t.cancelSent = true;
      cancelsSent.increment();
    }
  }

  // ---------------------------------------------------------------- the workers

  private void body(Target t) {
    t.armed = true;
    started.increment();
    try {
      Stress.jitter();
      switch (t.op) {
        case ACQUIRE -> {
          s.acquire();
          afterGrant(t);
          critical();
          s.release();
        }
        case ACQUIRE_TIMED -> {
          if (s.acquire(Stress.tinyTimeout())) {
            afterGrant(t);
            critical();
            s.release();
          } else {
            failures.check(s.notOwnedByCaller(), "timed out but owns the lock");
            timedOut.increment();
          }
        }
        case TRY_ACQUIRE -> {
          if (s.tryAcquire()) {
            afterGrant(t);
            critical();
            s.release();
          } else {
            refused.increment();
          }
        }
        case HOLD -> {
          Held h = s.hold();
          afterGrant(t);
          try {
            critical();
          } finally {
            h.close();
            if (Stress.chance(30)) {
              h.close(); // a second close must do nothing
            }
          }
        }
        case TIMEOUT_BLOCK -> timeoutBlock();
        case ASYNC_ON_THREAD -> asyncOnThread(t);
        case ASYNC_IN_CALLBACK -> asyncInCallback(t);
      }
    } catch (InterruptedException e) {
      failures.check(s.notOwnedByCaller(), t.op + " threw InterruptedException but owns the lock");
      withdrawn.increment();
    } catch (Throwable e) {
      failures.unexpected(e);
    } finally {
      t.finished = true;
    }
  }

  /** Checks after a blocking acquire returned normally. */
  private void afterGrant(Target t) {
    // The cancel flag is raised after the interrupt was delivered: if we see it, the interrupt
    // happened before this check, so either the acquire threw (we would not be here) or the grant
    // won and the interrupt status must still be set.
    boolean cancelled = t.cancelSent;
    failures.check(s.ownedByCaller(), t.op + " returned but the caller does not own the lock");
    if (cancelled) {
      failures.check(
          Thread.currentThread().isInterrupted(),
          t.op + ": the grant won over a cancel but the interrupt status was lost");
    }
  }

  private void timeoutBlock() throws Exception {
    Duration limit = Duration.ofNanos(Stress.random().nextLong(1_000, 300_000));
    boolean got;
    try {
      got =
          Baton.timeout(
              limit,
              () -> {
                s.acquire();
                return true;
              });
    } catch (TimeoutException e) {
      failures.check(s.notOwnedByCaller(), "Baton.timeout expired but the lock is owned");
      timedOut.increment();
      return;
    }
    if (got) {
      failures.check(s.ownedByCaller(), "acquired under Baton.timeout but not owned");
      critical();
      s.release();
    }
  }

  private void asyncOnThread(Target t) throws Exception {
    CompletableFuture<Held> f = s.acquireAsync();
    t.future = f;
    selfCancel(f);
    Held h;
    try {
      h = f.get();
    } catch (InterruptedException e) {
      // The thread was cancelled while waiting for the future: give up on the request the way a
      // user would. If the future had completed already, the permit is ours and must be returned.
      if (f.cancel(false) || f.isCompletedExceptionally()) {
        withdrawn.increment();
        return;
      }
      h = f.join();
    } catch (CancellationException | ExecutionException e) {
      withdrawn.increment();
      return;
    }
    if (h == null) { // completed with null by a canceller: the request was withdrawn
      withdrawn.increment();
      return;
    }
    try {
      critical();
    } finally {
      h.close();
      if (Stress.chance(30)) {
        h.close();
      }
    }
  }

  private void asyncInCallback(Target t) {
    CompletableFuture<Held> f = s.acquireAsync();
    t.future = f;
    selfCancel(f);
    CompletableFuture<Void> done =
        f.handle(
            (h, ex) -> {
              if (h == null) {
                withdrawn.increment();
                return null;
              }
              try {
                critical(); // runs on whichever thread completed the future: often a releaser
              } finally {
                h.close();
              }
              // Work on after releasing: the grant close() just made waits for this callback to
              // return before its future is completed (the resume trampoline), which widens the
              // window where a cancel of that future races the grant.
              Stress.jitter();
              return null;
            });
    try {
      done.join();
    } catch (CompletionException e) {
      failures.unexpected(e.getCause());
    }
  }

  /** Sometimes the requester itself gives up: a cancel after a short delay, or orTimeout. */
  private static void selfCancel(CompletableFuture<Held> f) {
    int k = Stress.random().nextInt(10);
    if (k == 0) {
      f.orTimeout(Stress.random().nextInt(1, 300), TimeUnit.MICROSECONDS);
    } else if (k == 1) {
      Stress.jitter();
      f.cancel(false);
    }
  }

  private void critical() {
    int h = holders.incrementAndGet();
    try {
      if (h > s.capacity()) {
        failures.fail(s.name() + ": " + h + " holders at once, capacity " + s.capacity());
      }
      if (s.capacity() == 1) {
        long c = plainCounter;
        Stress.pause();
        plainCounter = c + 1;
      } else {
        Stress.pause();
      }
      acquired.increment();
    } finally {
      holders.decrementAndGet();
    }
  }
}
