package dev.baton.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.Baton;
import dev.baton.Body;
import dev.baton.EventLoop;
import dev.baton.LifoQueue;
import dev.baton.PriorityQueue;
import dev.baton.Queue;
import dev.baton.QueueShutdownException;
import dev.baton.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized races on the queues: producers and consumers on thousands of virtual threads (and on
 * the deterministic loop), with interrupts, task cancels, timeouts and future cancels racing the
 * hand-offs. The invariant: every item whose put succeeded is delivered exactly once, no other item
 * is ever delivered, and the unfinished-task count returns to zero. Scaled by {@code
 * -Dbaton.stress.scale} (the {@code stress} profile); a few seconds at scale 1.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QueueStressTest {
  private static final int SCALE = Integer.getInteger("baton.stress.scale", 1);

  /** What each item went through: placed by its producer, and how often delivered. */
  private static final class Ledger {
    final AtomicIntegerArray placed;
    final AtomicIntegerArray delivered;
    final AtomicLong withdrawn = new AtomicLong(); // puts and gets that gave up (cancel, timeout)

    Ledger(int items) {
      placed = new AtomicIntegerArray(items);
      delivered = new AtomicIntegerArray(items);
    }

    void check(Queue<Integer> q, String context) {
      int placedCount = 0;
      for (int i = 0; i < placed.length(); i++) {
        int p = placed.get(i);
        int d = delivered.get(i);
        if (p > 1) {
          fail(context + ": item " + i + " placed " + p + " times");
        }
        if (d != p) {
          fail(context + ": item " + i + (p == 1 ? " placed" : " not placed") + ", delivered " + d);
        }
        placedCount += p;
      }
      assertEquals(0, q.size(), context);
      assertEquals(0, q.unfinishedTasks(), context);
      assertTrue(placedCount > 0, context + ": nothing got through");
      System.out.printf(
          "%s: %d of %d items placed and delivered once; %d requests withdrawn%n",
          context, placedCount, placed.length(), withdrawn.get());
    }
  }

  // ---------------------------------------------------------------- threads

  @Test
  void threads_interruptsTimeoutsAndFutureCancels_everyItemExactlyOnce() throws Exception {
    for (IntFunction<Queue<Integer>> kind :
        List.<IntFunction<Queue<Integer>>>of(Queue::new, LifoQueue::new, PriorityQueue::new)) {
      long seed = System.nanoTime();
      runThreads(kind.apply(4), 1_000 * SCALE, 200 * SCALE, 10, seed);
    }
  }

  private void runThreads(
      Queue<Integer> q, int producers, int consumers, int perProducer, long seed) throws Exception {
    String context = q.getClass().getSimpleName() + " seed=" + seed;
    Ledger ledger = new Ledger(producers * perProducer);
    List<Thread> producerThreads = new ArrayList<>();
    List<Thread> consumerThreads = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    for (int c = 0; c < consumers; c++) {
      consumerThreads.add(Thread.ofVirtual().unstarted(() -> consume(q, ledger, errors)));
    }
    for (int p = 0; p < producers; p++) {
      int base = p * perProducer;
      producerThreads.add(
          Thread.ofVirtual().unstarted(() -> produce(q, ledger, base, perProducer, errors)));
    }
    List<Thread> all = new ArrayList<>(producerThreads);
    all.addAll(consumerThreads);
    consumerThreads.forEach(Thread::start);
    producerThreads.forEach(Thread::start);

    AtomicBoolean chaosOn = new AtomicBoolean(true);
    Thread chaos =
        Thread.ofPlatform()
            .start(
                () -> {
                  Random r = new Random(seed);
                  while (chaosOn.get()) {
                    all.get(r.nextInt(all.size())).interrupt();
                    if (r.nextInt(64) == 0) {
                      Thread.onSpinWait();
                      Thread.yield();
                    }
                  }
                });
    for (Thread t : producerThreads) {
      assertTrue(t.join(Duration.ofSeconds(120)), context + ": a producer hangs");
    }
    chaosOn.set(false);
    chaos.join();
    q.shutdown(); // consumers drain what is left, then stop
    for (Thread t : consumerThreads) {
      assertTrue(t.join(Duration.ofSeconds(120)), context + ": a consumer hangs");
    }
    assertEquals(0, errors.get(), context);
    ledger.check(q, context);
  }

  private static void produce(
      Queue<Integer> q, Ledger ledger, int base, int count, AtomicLong errors) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = base; i < base + count; i++) {
      try {
        boolean placed =
            switch (r.nextInt(3)) {
              case 0 -> {
                q.put(i);
                yield true;
              }
              case 1 -> q.offer(i, Duration.ofNanos(r.nextInt(200_000)));
              default -> putAsync(q, i, r.nextInt(200));
            };
        if (placed) {
          ledger.placed.incrementAndGet(i);
        } else {
          ledger.withdrawn.incrementAndGet();
        }
      } catch (InterruptedException e) {
        ledger.withdrawn.incrementAndGet(); // not placed
      } catch (RuntimeException e) {
        errors.incrementAndGet();
        e.printStackTrace();
      }
      Thread.interrupted(); // a grant that won keeps the status; start the next put clean
    }
  }

  /** putAsync, waited for with a timeout; on expiry the future is cancelled (or found done). */
  private static boolean putAsync(Queue<Integer> q, int item, int micros)
      throws InterruptedException {
    CompletableFuture<Void> f = q.putAsync(item);
    try {
      f.get(micros, TimeUnit.MICROSECONDS);
      return true;
    } catch (TimeoutException | InterruptedException e) {
      if (f.cancel(false)) {
        return false; // withdrawn before its item was placed
      }
      f.join(); // the put won the race: placed
      return true;
    } catch (ExecutionException e) {
      throw new AssertionError(e);
    }
  }

  private static void consume(Queue<Integer> q, Ledger ledger, AtomicLong errors) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    while (true) {
      try {
        Integer item =
            switch (r.nextInt(3)) {
              case 0 -> q.get();
              case 1 -> q.poll(Duration.ofNanos(r.nextInt(200_000)));
              default -> getAsync(q, r.nextInt(200));
            };
        if (item != null) {
          ledger.delivered.incrementAndGet(item);
          q.taskDone();
        } else {
          ledger.withdrawn.incrementAndGet();
        }
      } catch (InterruptedException e) {
        ledger.withdrawn.incrementAndGet(); // nothing received
      } catch (QueueShutdownException e) {
        return; // shut down and drained
      } catch (RuntimeException e) {
        errors.incrementAndGet();
        e.printStackTrace();
        return;
      }
    }
  }

  /** getAsync, waited for with a timeout; on expiry cancelled: a received item goes back. */
  private static Integer getAsync(Queue<Integer> q, int micros) throws InterruptedException {
    CompletableFuture<Integer> f = q.getAsync();
    try {
      return f.get(micros, TimeUnit.MICROSECONDS);
    } catch (TimeoutException | InterruptedException e) {
      if (f.cancel(false)) {
        return null; // withdrawn, or handed an item that it gives back
      }
      return result(f);
    } catch (ExecutionException e) {
      throw (RuntimeException) e.getCause(); // shut down
    }
  }

  private static Integer result(CompletableFuture<Integer> f) {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw (RuntimeException) e.getCause();
    }
  }

  // ---------------------------------------------------------------- the loop

  @Test
  void loop_taskCancelsTimeoutsAndAsyncGetters_everyItemExactlyOnce() throws Exception {
    int seeds = 3 * SCALE;
    for (int s = 0; s < seeds; s++) {
      long seed = 1_000L + s;
      runLoop(
          s % 3 == 0 ? new Queue<>(4) : s % 3 == 1 ? new LifoQueue<>(4) : new PriorityQueue<>(4),
          seed);
    }
  }

  private void runLoop(Queue<Integer> q, long seed) throws Exception {
    String context = q.getClass().getSimpleName() + " loop seed=" + seed;
    int producers = 600;
    int perProducer = 3;
    int consumers = 30;
    int asyncGetters = 300;
    int asyncPutters = 300;
    int extras = 2_000; // items put from inside future callbacks
    int asyncBase = producers * perProducer;
    int extraBase = asyncBase + asyncPutters;
    Ledger ledger = new Ledger(extraBase + extras);
    Random r = new Random(seed); // one task runs at a time: deterministic
    int[] nextExtra = {extraBase};
    long[] racesOpened = {0};
    EventLoop.withVirtualTime()
        .run(
            () -> {
              List<Task<Void>> producerTasks = new ArrayList<>();
              List<Task<Void>> consumerTasks = new ArrayList<>();
              List<CompletableFuture<Integer>> getFutures = new ArrayList<>();
              List<CompletableFuture<Void>> putFutures = new ArrayList<>();
              for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                producerTasks.add(
                    Baton.spawn(
                        () -> {
                          for (int i = base; i < base + perProducer; i++) {
                            Baton.sleep(Duration.ofMillis(r.nextInt(5)));
                            boolean placed =
                                r.nextBoolean()
                                    ? q.offer(i, Duration.ofMillis(r.nextInt(20)))
                                    : putThen(q, i);
                            if (placed) {
                              ledger.placed.incrementAndGet(i);
                            } else {
                              ledger.withdrawn.incrementAndGet();
                            }
                          }
                        }));
              }
              Body consumer =
                  () -> {
                    try {
                      while (true) {
                        Integer item =
                            r.nextBoolean() ? q.get() : q.poll(Duration.ofMillis(r.nextInt(10)));
                        if (item != null) {
                          ledger.delivered.incrementAndGet(item);
                          q.taskDone();
                        } else {
                          ledger.withdrawn.incrementAndGet();
                        }
                        Baton.sleep(Duration.ofMillis(r.nextInt(6)));
                      }
                    } catch (QueueShutdownException done) {
                      // drained
                    }
                  };
              for (int c = 0; c < consumers; c++) {
                consumerTasks.add(Baton.spawn(consumer));
              }
              // Async getters and putters. A getter's callback acts on the queue from inside the
              // resumption of futures: its offer() may hand an item to another getter, or its
              // poll() admit another putter, which is then granted but not yet resumed; it
              // cancels that future (or a random one) right after, so cancels race decided
              // grants: the give-back of getters, the kept grant of putters.
              Body asyncAgent =
                  () -> {
                    int g = 0;
                    int k = 0;
                    while (g < asyncGetters || k < asyncPutters) {
                      Baton.sleep(Duration.ofMillis(r.nextInt(3)));
                      if (k >= asyncPutters || (g < asyncGetters && r.nextBoolean())) {
                        g++;
                        CompletableFuture<Integer> f = q.getAsync();
                        f.thenAccept(
                            item -> {
                              ledger.delivered.incrementAndGet(item);
                              q.taskDone();
                              try {
                                if (r.nextBoolean() && nextExtra[0] < extraBase + extras) {
                                  int extra = nextExtra[0]++;
                                  if (q.offer(extra)) {
                                    ledger.placed.incrementAndGet(extra);
                                  }
                                  pick(getFutures, r).cancel(false);
                                } else {
                                  Integer polled = q.poll();
                                  if (polled != null) {
                                    ledger.delivered.incrementAndGet(polled);
                                    q.taskDone();
                                  }
                                  if (!putFutures.isEmpty()) {
                                    pick(putFutures, r).cancel(false);
                                  }
                                }
                                racesOpened[0]++;
                              } catch (QueueShutdownException late) {
                                // after the shutdown
                              }
                            });
                        getFutures.add(f);
                      } else {
                        int item = asyncBase + k++;
                        CompletableFuture<Void> f = q.putAsync(item);
                        f.whenComplete(
                            (v, e) -> {
                              if (e == null) {
                                ledger.placed.incrementAndGet(item); // even if cancelled late
                              }
                            });
                        // Placed means the queue was full: take one from inside this resumption,
                        // which admits the next putter, and cancel it before it is resumed.
                        f.thenRun(
                            () -> {
                              if (r.nextBoolean()) {
                                return;
                              }
                              try {
                                Integer polled = q.poll();
                                if (polled != null) {
                                  ledger.delivered.incrementAndGet(polled);
                                  q.taskDone();
                                }
                                pick(putFutures, r).cancel(false);
                                racesOpened[0]++;
                              } catch (QueueShutdownException late) {
                                // after the shutdown
                              }
                            });
                        putFutures.add(f);
                      }
                    }
                  };
              Task<Void> agent = Baton.spawn(asyncAgent);
              // The canceller: task cancels and future cancels at random virtual times. Every
              // third consumer is spared so that the queue always drains.
              Task<Void> canceller =
                  Baton.spawn(
                      () -> {
                        for (int k = 0; k < 400; k++) {
                          Baton.sleep(Duration.ofMillis(r.nextInt(3)));
                          switch (r.nextInt(4)) {
                            case 0 -> producerTasks.get(r.nextInt(producers)).cancel();
                            case 1 -> {
                              int c = r.nextInt(consumers);
                              if (c % 3 != 0) {
                                consumerTasks.get(c).cancel();
                              }
                            }
                            case 2 -> {
                              if (!putFutures.isEmpty()) {
                                pick(putFutures, r).cancel(false);
                              }
                            }
                            default -> {
                              if (!getFutures.isEmpty()) {
                                pick(getFutures, r).cancel(false);
                              }
                            }
                          }
                        }
                      });
              for (Task<Void> t : producerTasks) {
                try {
                  t.join();
                } catch (CancellationException cancelled) {
                  // its placed items are in the ledger
                }
              }
              agent.join();
              for (CompletableFuture<Void> f : putFutures) {
                while (!f.isDone()) {
                  Baton.sleep(Duration.ofMillis(1)); // the consumers make room
                }
              }
              canceller.cancel();
              for (CompletableFuture<Integer> f : getFutures) {
                f.cancel(false); // those still waiting leave; a received item stays delivered
              }
              q.shutdown();
              for (Task<Void> t : consumerTasks) {
                try {
                  t.join();
                } catch (CancellationException cancelled) {
                  // it stopped early; what it received is in the ledger
                }
              }
            });
    System.out.printf("%s: %d cancels raced from inside resumptions%n", context, racesOpened[0]);
    ledger.check(q, context);
  }

  /**
   * A future to cancel: half the time the oldest one not done, which is the one a hand-off has just
   * granted if there was one (FIFO), so that the cancel races that grant; else any.
   */
  private static <F extends CompletableFuture<?>> F pick(List<F> futures, Random r) {
    if (r.nextBoolean()) {
      for (F f : futures) {
        if (!f.isDone()) {
          return f;
        }
      }
    }
    return futures.get(r.nextInt(futures.size()));
  }

  /** A blocking put that reports success (it returns only when placed). */
  private static boolean putThen(Queue<Integer> q, int item) throws InterruptedException {
    q.put(item);
    return true;
  }
}
