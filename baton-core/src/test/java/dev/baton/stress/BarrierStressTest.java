package dev.baton.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.Barrier;
import dev.baton.Baton;
import dev.baton.Body;
import dev.baton.Event;
import dev.baton.EventLoop;
import dev.baton.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized races on {@link Barrier}: groups of parties that go through many cycles while
 * interrupts, timeouts, future cancels, {@code reset()} and {@code abort()} race the trips. Each
 * group has exactly as many parties as the barrier, and a party that was withdrawn or broken
 * retries the same cycle, so every trip must take one party from each member at the same cycle: the
 * invariant checked is that each cycle hands out every index {@code 0..parties-1} exactly once and
 * every party passes every cycle once. Scaled by {@code -Dbaton.stress.scale}.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BarrierStressTest {
  private static final int SCALE = Integer.getInteger("baton.stress.scale", 1);

  /** indexSeen[cycle * parties + index]: how often that index was returned in that cycle. */
  private static void checkCycles(AtomicIntegerArray indexSeen, int parties, String context) {
    for (int i = 0; i < indexSeen.length(); i++) {
      if (indexSeen.get(i) != 1) {
        fail(
            context
                + ": cycle "
                + i / parties
                + " returned index "
                + i % parties
                + " "
                + indexSeen.get(i)
                + " times");
      }
    }
  }

  // ---------------------------------------------------------------- threads

  @Test
  void threads_interruptsAndTimeoutsRacingTrips_cyclesStayConsistent() throws Exception {
    int groups = 64 * SCALE;
    int parties = 32;
    int cycles = 20;
    long seed = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    List<AtomicIntegerArray> seen = new ArrayList<>();
    AtomicLong retries = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    for (int g = 0; g < groups; g++) {
      Barrier barrier = new Barrier(parties);
      AtomicIntegerArray indexSeen = new AtomicIntegerArray(cycles * parties);
      seen.add(indexSeen);
      for (int p = 0; p < parties; p++) {
        threads.add(
            Thread.ofVirtual()
                .unstarted(
                    () -> {
                      ThreadLocalRandom r = ThreadLocalRandom.current();
                      for (int c = 0; c < cycles; ) {
                        try {
                          int index =
                              switch (r.nextInt(4)) {
                                case 0 -> barrier.await(Duration.ofMillis(1 + r.nextInt(5)));
                                case 1 -> awaitAsync(barrier, r.nextInt(2_000));
                                default -> barrier.await();
                              };
                          if (index >= 0) {
                            indexSeen.incrementAndGet(c * parties + index);
                            c++;
                          } else {
                            retries.incrementAndGet();
                          }
                        } catch (InterruptedException | TimeoutException e) {
                          retries.incrementAndGet(); // withdrawn: the same cycle again
                        } catch (BrokenBarrierException e) {
                          errors.incrementAndGet(); // nobody resets or aborts here
                        }
                        Thread.interrupted(); // a trip that won keeps the status
                      }
                    }));
      }
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
      assertTrue(t.join(Duration.ofSeconds(120)), "seed=" + seed + ": a party hangs");
    }
    chaosOn.set(false);
    chaos.join();
    assertEquals(0, errors.get());
    for (int g = 0; g < groups; g++) {
      checkCycles(seen.get(g), parties, "group " + g + " seed=" + seed);
    }
    System.out.printf(
        "Barrier threads seed=%d: %d parties x %d cycles consistent; %d withdrawals retried%n",
        seed, threads.size(), cycles, retries.get());
  }

  /**
   * awaitAsync waited for at most {@code micros}; on expiry the future is cancelled: -1 if that
   * withdrew the party, else the index the trip gave it first.
   */
  private static int awaitAsync(Barrier barrier, int micros)
      throws InterruptedException, BrokenBarrierException {
    CompletableFuture<Integer> f = barrier.awaitAsync();
    try {
      return f.get(micros, java.util.concurrent.TimeUnit.MICROSECONDS);
    } catch (TimeoutException | InterruptedException e) {
      if (f.cancel(false)) {
        return -1;
      }
      return join(f);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (BrokenBarrierException) e.getCause();
    }
  }

  private static int join(CompletableFuture<Integer> f) throws BrokenBarrierException {
    try {
      return f.join();
    } catch (CompletionException e) {
      throw (BrokenBarrierException) e.getCause();
    }
  }

  // ---------------------------------------------------------------- the loop

  @Test
  void loop_resetsAbortsTimeoutsAndAsyncParties_cyclesStayConsistent() throws Exception {
    for (int s = 0; s < 3 * SCALE; s++) {
      runLoop(40 + 20 * s, 25, 7_000L + s);
    }
  }

  private void runLoop(int parties, int cycles, long seed) throws Exception {
    String context = "Barrier loop seed=" + seed;
    AtomicIntegerArray indexSeen = new AtomicIntegerArray(cycles * parties);
    Random r = new Random(seed);
    long[] retries = {0};
    long[] broken = {0};
    long[] tripsWon = {0};
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Barrier barrier = new Barrier(parties);
              AtomicBoolean running = new AtomicBoolean(true);
              List<Task<Void>> members = new ArrayList<>();
              Body member =
                  () -> {
                    for (int c = 0; c < cycles; ) {
                      try {
                        int index =
                            switch (r.nextInt(4)) {
                              case 0 -> timed(barrier, r.nextInt(30));
                              case 1 -> async(barrier, r.nextInt(30), tripsWon);
                              default -> barrier.await();
                            };
                        if (index >= 0) {
                          indexSeen.incrementAndGet(c * parties + index);
                          c++;
                          Baton.sleep(Duration.ofMillis(r.nextInt(3)));
                        } else {
                          retries[0]++;
                        }
                      } catch (BrokenBarrierException e) {
                        broken[0]++;
                        Baton.sleep(Duration.ofMillis(1 + r.nextInt(3))); // until a reset
                      }
                    }
                  };
              for (int p = 0; p < parties; p++) {
                members.add(Baton.spawn(member));
              }
              Task<Void> chaos =
                  Baton.spawn(
                      () -> {
                        while (running.get()) {
                          Baton.sleep(Duration.ofMillis(5 + r.nextInt(40)));
                          if (r.nextBoolean()) {
                            barrier.reset();
                          } else {
                            barrier.abort();
                            Baton.sleep(Duration.ofMillis(r.nextInt(5)));
                            barrier.reset();
                          }
                        }
                      });
              for (Task<Void> t : members) {
                t.join();
              }
              running.set(false);
              chaos.cancel();
              if (barrier.isBroken()) {
                barrier.reset();
              }
              assertEquals(0, barrier.waiting());
            });
    checkCycles(indexSeen, parties, context);
    System.out.printf(
        "%s: %d parties x %d cycles consistent; %d withdrawals, %d broken waits retried, %d"
            + " future cancels lost to a trip%n",
        context, parties, cycles, retries[0], broken[0], tripsWon[0]);
  }

  private static int timed(Barrier barrier, int millis)
      throws InterruptedException, BrokenBarrierException {
    try {
      return barrier.await(Duration.ofMillis(millis));
    } catch (TimeoutException e) {
      return -1;
    }
  }

  /**
   * A loop task's async arrival: waits for the future through an Event for at most {@code millis},
   * then cancels it; a cancel that lost to the trip keeps the index.
   */
  private static int async(Barrier barrier, int millis, long[] tripsWon)
      throws InterruptedException, BrokenBarrierException {
    CompletableFuture<Integer> f = barrier.awaitAsync();
    Event done = new Event();
    f.whenComplete((i, e) -> done.set());
    if (!done.await(Duration.ofMillis(millis))) {
      if (f.cancel(false)) {
        return -1;
      }
      tripsWon[0]++;
    }
    return join(f);
  }
}
