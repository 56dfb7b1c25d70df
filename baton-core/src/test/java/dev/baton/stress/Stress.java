package dev.baton.stress;

import dev.baton.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the stress tests share: the scale, random timing, a collector for violations seen on worker
 * threads, and bounded waits that turn a lost wake-up into a failure with a description of who is
 * stuck, instead of a hang.
 *
 * <p>Iteration counts scale with the system property {@code baton.stress.scale} (default 1; the
 * {@code -Pstress} Maven profile sets 20). Each test prints what it ran, so the numbers can be
 * quoted.
 */
final class Stress {
  private Stress() {}

  /** The multiplier for iteration counts. */
  static final int SCALE = Math.max(1, Integer.getInteger("baton.stress.scale", 1));

  /**
   * How long one iteration may take before it counts as hung. An iteration takes well under a
   * second when nothing is lost; a lost wake-up leaves a waiter parked forever.
   */
  static final Duration ITERATION_BOUND = Duration.ofSeconds(30);

  static int scaled(int base) {
    return base * SCALE;
  }

  static ThreadLocalRandom random() {
    return ThreadLocalRandom.current();
  }

  static boolean chance(int percent) {
    return random().nextInt(100) < percent;
  }

  /** Busy-waits a few iterations: shifts an interleaving without giving up the carrier. */
  static void spin(int n) {
    for (int i = 0; i < n; i++) {
      Thread.onSpinWait();
    }
  }

  /**
   * A random, usually tiny, real delay: nothing, a spin, a yield, or a park of up to 200 µs. Keeps
   * the interrupt status as it is.
   */
  static void jitter() {
    ThreadLocalRandom r = random();
    switch (r.nextInt(8)) {
      case 0, 1, 2 -> {}
      case 3, 4 -> spin(r.nextInt(1, 200));
      case 5 -> Thread.yield();
      case 6 -> LockSupport.parkNanos(r.nextInt(1_000, 30_000));
      default -> LockSupport.parkNanos(r.nextInt(30_000, 200_000));
    }
  }

  /**
   * A shorter delay for inside critical sections: nothing, or a spin. (A yield here would send the
   * holder to the back of a run queue of thousands of threads, and the test would measure that.)
   */
  static void pause() {
    ThreadLocalRandom r = random();
    if (r.nextInt(3) != 0) {
      spin(r.nextInt(1, 100));
    }
  }

  /** A timeout for a timed wait: zero, nanoseconds, microseconds, or up to half a millisecond. */
  static Duration tinyTimeout() {
    ThreadLocalRandom r = random();
    int k = r.nextInt(10);
    if (k == 0) {
      return Duration.ZERO;
    }
    if (k <= 3) {
      return Duration.ofNanos(r.nextInt(1, 1_000));
    }
    if (k <= 7) {
      return Duration.ofNanos(r.nextInt(1_000, 50_000));
    }
    return Duration.ofNanos(r.nextInt(50_000, 500_000));
  }

  /** Prints the iteration counts a test ran, for the record. */
  static void report(String test, String counts, long startNanos) {
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    System.out.printf("[stress] %s: %s in %d ms (scale %d)%n", test, counts, ms, SCALE);
  }

  /**
   * Violations seen on worker threads, where an assertion cannot fail the test directly. The test
   * thread calls {@link #assertNone} at the end of each iteration.
   */
  static final class Failures {
    private final ConcurrentLinkedQueue<String> first = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();

    void fail(String message) {
      if (count.incrementAndGet() <= 10) {
        first.add(message + " [on " + Thread.currentThread() + "]");
      }
    }

    void check(boolean ok, String message) {
      if (!ok) {
        fail(message);
      }
    }

    void unexpected(Throwable t) {
      StringBuilder sb = new StringBuilder("unexpected ").append(t);
      for (StackTraceElement e : t.getStackTrace()) {
        sb.append("\n    at ").append(e);
      }
      fail(sb.toString());
    }

    int count() {
      return count.get();
    }

    @Override
    public String toString() {
      return count.get() == 0 ? "no violations" : count.get() + " violation(s): " + first;
    }

    void assertNone(String context) {
      if (count.get() > 0) {
        throw new AssertionError(
            context + ": " + count.get() + " violation(s); first: " + String.join("\n", first));
      }
    }
  }

  /**
   * Waits until every thread has ended and every task's body has returned, at most {@code bound};
   * otherwise fails, naming the stuck threads and where they wait.
   */
  static void joinAll(
      Collection<Thread> threads, Collection<Task<?>> tasks, Duration bound, Supplier<String> state)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    List<Task<?>> taskList = new ArrayList<>(tasks);
    Thread joiner =
        Thread.ofVirtual()
            .name("stress-task-joiner")
            .start(
                () -> {
                  for (Task<?> t : taskList) {
                    try {
                      t.join();
                    } catch (Throwable ignored) {
                      // outcomes are recorded by the bodies themselves
                    }
                  }
                });
    List<Thread> all = new ArrayList<>(threads);
    all.add(joiner);
    for (Thread t : all) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !t.join(Duration.ofNanos(Math.max(1, left)))) {
        throw new AssertionError(
            "hung: workers still alive after "
                + bound
                + " (a lost wake-up?)\n"
                + state.get()
                + "\n"
                + describeStuck(all));
      }
    }
  }

  /** Waits until {@code done} holds, at most {@code bound}, else fails with {@code state}. */
  static void awaitTrue(BooleanSupplier done, Duration bound, Supplier<String> state) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "hung: condition not reached within " + bound + "\n" + state.get());
      }
      LockSupport.parkNanos(50_000);
    }
  }

  /**
   * Runs {@code body} on its own platform thread and waits at most {@code bound} for it; a hang
   * becomes a failure that shows the stack of that thread. Used for event loops, whose driver would
   * otherwise hang the test thread.
   */
  static <T> T runBounded(String name, Duration bound, Callable<T> body) throws Exception {
    AtomicReference<Object> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        Thread.ofPlatform()
            .name(name)
            .daemon(true)
            .start(
                () -> {
                  try {
                    result.set(body.call());
                  } catch (Throwable e) {
                    failure.set(e);
                  }
                });
    if (!t.join(bound)) {
      throw new AssertionError(
          "hung: " + name + " did not finish within " + bound + "\n" + describeStuck(List.of(t)));
    }
    Throwable e = failure.get();
    if (e instanceof Exception ex) {
      throw ex;
    }
    if (e instanceof Error err) {
      throw err;
    }
    @SuppressWarnings("unchecked")
    T r = (T) result.get();
    return r;
  }

  static String describeStuck(Collection<Thread> threads) {
    StringBuilder sb = new StringBuilder();
    int shown = 0;
    int alive = 0;
    for (Thread t : threads) {
      if (!t.isAlive()) {
        continue;
      }
      alive++;
      if (shown++ < 5) {
        sb.append("  ").append(t).append('\n');
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(st.length, 25); i++) {
          sb.append("      at ").append(st[i]).append('\n');
        }
      }
    }
    return alive + " thread(s) alive\n" + sb;
  }
}
