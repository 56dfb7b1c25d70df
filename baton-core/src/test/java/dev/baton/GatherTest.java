package dev.baton;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Baton#gather}: results in order; on the first failure the rest are cancelled and waited
 * for, and that failure itself is thrown, with later non-cancellation failures suppressed.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GatherTest {
  private static final Duration HOUR = Duration.ofHours(1);

  private final List<String> trace = Collections.synchronizedList(new ArrayList<>());

  private void log(String s) {
    trace.add(s);
  }

  private static <T> Callable<T> after(Duration d, T value) {
    return () -> {
      Baton.sleep(d);
      return value;
    };
  }

  @Test
  void results_comeInArgumentOrder_notInCompletionOrder() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    List<String> r =
        loop.run(
            () ->
                Baton.gather(
                    after(Duration.ofSeconds(3), "a"),
                    after(Duration.ofSeconds(1), "b"),
                    () -> "c",
                    after(Duration.ofSeconds(2), (String) null)));
    assertEquals(Arrays.asList("a", "b", "c", null), r);
    assertEquals(Duration.ofSeconds(3), loop.elapsed(), "the bodies ran concurrently");
  }

  @Test
  void noBodies_giveAnEmptyList() throws Exception {
    assertEquals(List.of(), EventLoop.withVirtualTime().run(() -> Baton.<Object>gather()));
  }

  @Test
  void bodies_runAsTasksInArgumentOrder() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () ->
                Baton.gather(
                    () -> {
                      log("first starts");
                      Baton.yieldNow();
                      log("first ends");
                      return 1;
                    },
                    () -> {
                      log("second starts");
                      Baton.yieldNow();
                      log("second ends");
                      return 2;
                    }));
    assertEquals(List.of("first starts", "second starts", "first ends", "second ends"), trace);
  }

  @Test
  void firstFailure_cancelsTheRest_andIsThrownItself() throws Exception {
    IOException boom = new IOException("boom");
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          IOException thrown =
              assertThrows(
                  IOException.class,
                  () ->
                      Baton.gather(
                          () -> {
                            try {
                              Baton.sleep(HOUR);
                              return "slept";
                            } catch (InterruptedException e) {
                              log("sleeper cancelled");
                              throw e;
                            }
                          },
                          () -> {
                            Baton.sleep(Duration.ofSeconds(1));
                            throw boom;
                          },
                          after(HOUR, "also cancelled")));
          assertSame(boom, thrown);
          assertEquals(0, thrown.getSuppressed().length, "cancellations are not failures");
          assertEquals(Duration.ofSeconds(1), loop.elapsed());
        });
    assertEquals(List.of("sleeper cancelled"), trace);
  }

  @Test
  void laterNonCancellationFailures_areSuppressed() throws Exception {
    IllegalStateException first = new IllegalStateException("first");
    IllegalArgumentException atTheSameTime = new IllegalArgumentException("same instant");
    IOException whileCancelled = new IOException("thrown while being cancelled");
    EventLoop.withVirtualTime()
        .run(
            () -> {
              IllegalStateException thrown =
                  assertThrows(
                      IllegalStateException.class,
                      () ->
                          Baton.gather(
                              () -> {
                                Baton.sleep(Duration.ofSeconds(1));
                                throw first;
                              },
                              () -> {
                                Baton.sleep(Duration.ofSeconds(1));
                                throw atTheSameTime;
                              },
                              () -> {
                                try {
                                  Baton.sleep(HOUR);
                                } catch (InterruptedException e) {
                                  throw whileCancelled;
                                }
                                return null;
                              },
                              after(HOUR, "plainly cancelled")));
              assertSame(first, thrown);
              assertArrayEquals(
                  new Throwable[] {atTheSameTime, whileCancelled}, thrown.getSuppressed());
            });
  }

  @Test
  void failure_waitsUntilCancelledBodiesHaveActuallyFinished() throws Exception {
    IOException boom = new IOException("boom");
    AtomicInteger cleanedUp = new AtomicInteger();
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          assertSame(
              boom,
              assertThrows(
                  IOException.class,
                  () ->
                      Baton.gather(
                          () -> {
                            try {
                              Baton.sleep(HOUR);
                            } catch (InterruptedException swallowed) {
                              Baton.sleep(Duration.ofSeconds(5)); // slow cleanup, no rethrow
                              cleanedUp.incrementAndGet();
                            }
                            return "swallowed";
                          },
                          () -> {
                            Baton.sleep(Duration.ofSeconds(1));
                            throw boom;
                          })));
          assertEquals(1, cleanedUp.get(), "gather returned only after the cleanup");
          assertEquals(Duration.ofSeconds(6), loop.elapsed());
        });
  }

  @Test
  void failure_ofAnError_isThrownItself() throws Exception {
    StackOverflowError error = new StackOverflowError("deep");
    EventLoop.withVirtualTime()
        .run(
            () -> {
              assertSame(
                  error,
                  assertThrows(
                      StackOverflowError.class,
                      () ->
                          Baton.gather(
                              after(HOUR, 1),
                              () -> {
                                throw error;
                              })));
            });
  }

  @Test
  void callerCancelled_cancelsTheBodies_waitsForThem_andPropagates() throws Exception {
    AtomicInteger cancelled = new AtomicInteger();
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Callable<Void> sleeper =
              () -> {
                try {
                  Baton.sleep(HOUR);
                } catch (InterruptedException e) {
                  Baton.sleep(Duration.ofSeconds(1));
                  cancelled.incrementAndGet();
                  throw e;
                }
                return null;
              };
          Task<List<Void>> caller =
              Baton.spawn(
                  () -> {
                    try {
                      return Baton.gather(sleeper, sleeper, sleeper);
                    } catch (InterruptedException e) {
                      log("gather threw InterruptedException after " + cancelled + " cleanups");
                      throw e;
                    }
                  });
          Baton.sleep(Duration.ofSeconds(2));
          caller.cancel();
          assertThrows(CancellationException.class, caller::join);
          assertEquals(3, cancelled.get());
          assertEquals(Duration.ofSeconds(3), loop.elapsed());
        });
    assertEquals(List.of("gather threw InterruptedException after 3 cleanups"), trace);
  }

  @Test
  void nullBodies_areRejectedNamingTheArgument() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              NullPointerException e =
                  assertThrows(
                      NullPointerException.class, () -> Baton.gather(() -> 1, null, () -> 3));
              assertTrue(e.getMessage().contains("bodies[1]"), e.getMessage());
              assertThrows(
                  NullPointerException.class, () -> Baton.gather((Callable<Object>[]) null));
            });
  }

  @Test
  void offAnyLoop_gatherRunsTheBodiesAsVirtualThreads() throws Exception {
    List<String> r =
        Baton.gather(
            () -> {
              assertTrue(Thread.currentThread().isVirtual());
              return "x";
            },
            () -> "y");
    assertEquals(List.of("x", "y"), r);
    IOException boom = new IOException("boom");
    assertSame(
        boom,
        assertThrows(
            IOException.class,
            () ->
                Baton.gather(
                    after(Duration.ofMinutes(10), "cancelled long before"),
                    () -> {
                      throw boom;
                    })));
  }
}
