package dev.baton.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.Baton;
import dev.baton.Body;
import dev.baton.EventLoop;
import dev.baton.Held;
import dev.baton.ReadWriteLock;
import dev.baton.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized races on {@link ReadWriteLock}: readers and writers on thousands of virtual threads
 * (and on the loop) with interrupts, task cancels, timeouts and future cancels racing the hand-offs
 * and the withdrawal of waiting writers. Invariants: never a reader with a writer, never two
 * writers, every write that acquired the lock counted once, and the lock free with nobody waiting
 * at the end (no hold lost or leaked by a cancel). Scaled by {@code -Dbaton.stress.scale}.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadWriteLockStressTest {
  private static final int SCALE = Integer.getInteger("baton.stress.scale", 1);

  private static final class Guarded {
    final AtomicInteger readersIn = new AtomicInteger();
    final AtomicInteger writersIn = new AtomicInteger();
    final AtomicLong violations = new AtomicLong();
    final AtomicLong writesAcquired = new AtomicLong();
    final AtomicLong withdrawn = new AtomicLong();
    long counter; // written only under the write lock

    void write() {
      if (writersIn.incrementAndGet() != 1 || readersIn.get() != 0) {
        violations.incrementAndGet();
      }
      counter++;
      writesAcquired.incrementAndGet();
      writersIn.decrementAndGet();
    }

    void read() {
      readersIn.incrementAndGet();
      if (writersIn.get() != 0) {
        violations.incrementAndGet();
      }
      readersIn.decrementAndGet();
    }

    void check(ReadWriteLock rw, String context) {
      assertEquals(0, violations.get(), context);
      assertEquals(writesAcquired.get(), counter, context);
      assertEquals(new ReadWriteLock.Statistics(0, null, 0, 0), rw.statistics(), context);
      assertFalse(rw.isWriteLocked(), context);
      assertTrue(writesAcquired.get() > 0, context);
      System.out.printf(
          "%s: %d writes, no overlap, lock clean; %d requests withdrawn%n",
          context, counter, withdrawn.get());
    }
  }

  @Test
  void threads_interruptsTimeoutsAndFutureCancels_neverOverlapNorLeak() throws Exception {
    ReadWriteLock rw = new ReadWriteLock();
    Guarded g = new Guarded();
    long seed = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    int n = 2_000 * SCALE;
    for (int t = 0; t < n; t++) {
      boolean writes = t % 4 == 0;
      threads.add(
          Thread.ofVirtual()
              .unstarted(
                  () -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int i = 0; i < 10; i++) {
                      try {
                        Held h =
                            switch (r.nextInt(3)) {
                              case 0 -> writes ? rw.writeHold() : rw.readHold();
                              case 1 -> timed(rw, writes, r.nextInt(300));
                              default -> async(rw, writes, r.nextInt(300));
                            };
                        if (h == null) {
                          g.withdrawn.incrementAndGet();
                          continue;
                        }
                        try (h) {
                          if (writes) {
                            g.write();
                          } else {
                            g.read();
                          }
                        }
                      } catch (InterruptedException e) {
                        g.withdrawn.incrementAndGet();
                      }
                      Thread.interrupted();
                    }
                  }));
    }
    threads.forEach(Thread::start);
    AtomicBoolean chaosOn = new AtomicBoolean(true);
    Thread chaos =
        Thread.ofPlatform()
            .start(
                () -> {
                  Random r = new Random(seed);
                  while (chaosOn.get()) {
                    threads.get(r.nextInt(threads.size())).interrupt();
                    Thread.yield();
                  }
                });
    for (Thread t : threads) {
      assertTrue(t.join(Duration.ofSeconds(120)), "seed=" + seed + ": a thread hangs");
    }
    chaosOn.set(false);
    chaos.join();
    g.check(rw, "ReadWriteLock threads seed=" + seed);
  }

  /** A timed acquire; {@code null} if it timed out. */
  private static Held timed(ReadWriteLock rw, boolean write, int micros)
      throws InterruptedException {
    Duration d = Duration.ofNanos(micros * 1_000L);
    if (write) {
      if (!rw.acquireWrite(d)) {
        return null;
      }
      return rw::releaseWrite; // closed by this thread, the owner
    }
    if (!rw.acquireRead(d)) {
      return null;
    }
    return rw::releaseRead;
  }

  /** An async acquire waited for at most {@code micros}; {@code null} if the cancel withdrew it. */
  private static Held async(ReadWriteLock rw, boolean write, int micros)
      throws InterruptedException {
    CompletableFuture<Held> f = write ? rw.acquireWriteAsync() : rw.acquireReadAsync();
    try {
      return f.get(micros, TimeUnit.MICROSECONDS);
    } catch (TimeoutException | InterruptedException e) {
      if (f.cancel(false)) {
        return null; // withdrawn, or handed the lock and released it for us
      }
      return f.join();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void loop_taskCancelsAndTimeouts_neverOverlapNorLeak() throws Exception {
    for (int s = 0; s < 3 * SCALE; s++) {
      runLoop(9_000L + s);
    }
  }

  private void runLoop(long seed) throws Exception {
    ReadWriteLock rw = new ReadWriteLock();
    Guarded g = new Guarded();
    Random r = new Random(seed);
    EventLoop.withVirtualTime()
        .run(
            () -> {
              List<Task<Void>> tasks = new ArrayList<>();
              for (int t = 0; t < 1_000; t++) {
                boolean writes = t % 4 == 0;
                Body body =
                    () -> {
                      for (int i = 0; i < 5; i++) {
                        Baton.sleep(Duration.ofMillis(r.nextInt(4)));
                        if (writes) {
                          if (r.nextBoolean()) {
                            try (Held h = rw.writeHold()) {
                              g.write();
                              Baton.sleep(Duration.ofMillis(r.nextInt(2)));
                            }
                          } else if (rw.acquireWrite(Duration.ofMillis(r.nextInt(10)))) {
                            try {
                              g.write();
                              Baton.sleep(Duration.ofMillis(r.nextInt(2)));
                            } finally {
                              rw.releaseWrite();
                            }
                          } else {
                            g.withdrawn.incrementAndGet();
                          }
                        } else {
                          if (r.nextBoolean()) {
                            try (Held h = rw.readHold()) {
                              g.read();
                              Baton.sleep(Duration.ofMillis(r.nextInt(3)));
                              g.read();
                            }
                          } else if (rw.acquireRead(Duration.ofMillis(r.nextInt(10)))) {
                            try {
                              g.read();
                              Baton.sleep(Duration.ofMillis(r.nextInt(3)));
                            } finally {
                              rw.releaseRead();
                            }
                          } else {
                            g.withdrawn.incrementAndGet();
                          }
                        }
                      }
                    };
                tasks.add(Baton.spawn(body));
              }
              Task<Void> canceller =
                  Baton.spawn(
                      () -> {
                        for (int k = 0; k < 300; k++) {
                          Baton.sleep(Duration.ofMillis(r.nextInt(3)));
                          tasks.get(r.nextInt(tasks.size())).cancel();
                        }
                      });
              for (Task<Void> t : tasks) {
                try {
                  t.join();
                } catch (CancellationException cancelled) {
                  // its holds were released by try/finally
                }
              }
              canceller.cancel();
            });
    g.check(rw, "ReadWriteLock loop seed=" + seed);
  }
}
