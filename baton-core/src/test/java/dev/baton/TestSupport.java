package dev.baton;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Shared helpers: running on a virtual-time loop, and plain threads for the thread-mode tests. */
final class TestSupport {
  /** Upper bound for anything a thread test waits for; never reached when the code is right. */
  static final Duration LIMIT = Duration.ofSeconds(10);

  private TestSupport() {}

  /** Runs {@code main} on a new event loop with virtual time; returns the loop (for elapsed()). */
  static EventLoop onLoop(Body main) throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(main);
    return loop;
  }

  /** Spawns a named loop task from a {@link Body}. */
  static Task<Void> spawn(String name, Body body) {
    return Baton.spawn(
        name,
        () -> {
          body.run();
          return null;
        });
  }

  /** Yields {@code n} times: lets every ready task run up to its next wait. */
  static void yieldTimes(int n) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      Baton.yieldNow();
    }
  }

  /**
   * Polls until {@code condition} holds (for example, until a waiter is queued), without sleeping
   * for real beyond 50-microsecond parks; fails after {@link #LIMIT}.
   */
  static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("timed out waiting until " + what);
      }
      LockSupport.parkNanos(50_000);
    }
  }

  /** The two kinds of plain threads a primitive must work with. */
  enum Kind {
    PLATFORM,
    VIRTUAL;

    Thread.Builder builder() {
      return this == PLATFORM ? Thread.ofPlatform().daemon() : Thread.ofVirtual();
    }
  }

  /** A plain thread running a {@link Body}, with its outcome captured for the test thread. */
  static final class Worker {
    final Thread thread;
    private final CompletableFuture<Void> outcome = new CompletableFuture<>();

    private Worker(Kind kind, String name, Body body) {
      this.thread =
          kind.builder()
              .name(name)
              .unstarted(
                  () -> {
                    try {
                      body.run();
                      outcome.complete(null);
                    } catch (Throwable t) {
                      outcome.completeExceptionally(t);
                    }
                  });
    }

    static Worker start(Kind kind, String name, Body body) {
      Worker w = new Worker(kind, name, body);
      w.thread.start();
      return w;
    }

    boolean isDone() {
      return outcome.isDone();
    }

    /** Waits for the body to return normally; rethrows what it threw. */
    void join() throws Exception {
      try {
        outcome.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Exception x) {
          throw x;
        }
        throw (Error) e.getCause();
      } catch (TimeoutException e) {
        fail(thread.getName() + " did not finish; it is " + thread.getState());
      }
    }

    /** Waits for the body to end and returns what it threw, or {@code null}. */
    Throwable failure() {
      try {
        join();
        return null;
      } catch (Exception e) {
        return e;
      } catch (AssertionError e) {
        throw e;
      }
    }
  }
}
