package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Baton#runParallel} and tasks spawned outside any loop: the same API on free virtual
 * threads. Real clock, tiny sleeps only.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ParallelTest {
  private final List<String> trace = Collections.synchronizedList(new ArrayList<>());

  private void log(String s) {
    trace.add(s);
  }

  // ---------------------------------------------------------------- runParallel

  @Test
  void runParallel_returnsMainsResult_onAVirtualThreadNamedMain() throws Exception {
    String r =
        Baton.runParallel(
            () -> {
              assertTrue(Thread.currentThread().isVirtual());
              return Baton.currentTaskName();
            });
    assertEquals("main", r);
    AtomicReference<String> ran = new AtomicReference<>();
    Baton.runParallel(() -> ran.set("body ran"));
    assertEquals("body ran", ran.get());
  }

  @Test
  void runParallel_rethrowsMainsExceptionUnwrapped() {
    IOException boom = new IOException("boom");
    assertSame(
        boom,
        assertThrows(
            IOException.class,
            () ->
                Baton.runParallel(
                    () -> {
                      throw boom;
                    })));
  }

  @Test
  void runParallel_tasksRunAtTheSameTime() throws Exception {
    // Plain java.util.concurrent blocking between two tasks: on the loop it would hold the baton.
    List<String> r =
        Baton.runParallel(
            () -> {
              CountDownLatch ping = new CountDownLatch(1);
              CountDownLatch pong = new CountDownLatch(1);
              return Baton.gather(
                  () -> {
                    ping.countDown();
                    assertTrue(pong.await(30, TimeUnit.SECONDS));
                    return "a";
                  },
                  () -> {
                    assertTrue(ping.await(30, TimeUnit.SECONDS));
                    pong.countDown();
                    return "b";
                  });
            });
    assertEquals(List.of("a", "b"), r);
  }

  @Test
  void runParallel_lockedCounter_isExact() throws Exception {
    int tasks = 50;
    int rounds = 200;
    int[] counter = new int[1];
    Baton.runParallel(
        () -> {
          Lock lock = new Lock();
          try (TaskGroup g = new TaskGroup()) {
            for (int t = 0; t < tasks; t++) {
              g.spawn(
                  () -> {
                    for (int i = 0; i < rounds; i++) {
                      try (Held h = lock.hold()) {
                        counter[0]++;
                      }
                    }
                  });
            }
          }
        });
    assertEquals(tasks * rounds, counter[0]);
  }

  @Test
  void runParallel_whenMainReturns_cancelsLeftoverTasksAndWaitsForThem() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Task<Void>> leftover = new AtomicReference<>();
    String r =
        Baton.runParallel(
            () -> {
              leftover.set(
                  Baton.spawn(
                      () -> {
                        try {
                          started.countDown();
                          Baton.sleep(Duration.ofMinutes(10));
                        } finally {
                          Thread.sleep(20); // cleanup that takes a little while
                          log("leftover finally");
                        }
                      }));
              started.await();
              return "main done";
            });
    assertEquals("main done", r);
    assertEquals(List.of("leftover finally"), trace, "run returned after the cleanup");
    assertTrue(leftover.get().isCancelled());
  }

  @Test
  void runParallel_gatherAndGroupsAndTimeouts_workAsOnTheLoop() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    Baton.runParallel(
        () -> {
          assertEquals(List.of(1, 2, 3), Baton.gather(() -> 1, () -> 2, () -> 3));
          assertSame(
              boom,
              assertThrows(
                  IllegalStateException.class,
                  () ->
                      Baton.gather(
                          () -> {
                            Baton.sleep(Duration.ofMinutes(10));
                            return null;
                          },
                          () -> {
                            Baton.sleep(Duration.ofMillis(2));
                            throw boom;
                          })));
          assertThrows(
              TimeoutException.class,
              () ->
                  Baton.timeout(
                      Duration.ofMillis(5),
                      () -> {
                        Baton.sleep(Duration.ofMinutes(10));
                        return null;
                      }));
          assertFalse(Thread.currentThread().isInterrupted());
        });
  }

  // ---------------------------------------------------------------- spawn outside any loop

  @Test
  void spawn_outsideAnyLoop_runsOnAVirtualThread() throws Exception {
    Task<Boolean> t = Baton.spawn(() -> Thread.currentThread().isVirtual());
    assertTrue(t.get());
    assertTrue(t.isDone());
    Task<String> named = Baton.spawn("free", Baton::currentTaskName);
    assertEquals("free", named.get());
  }

  @Test
  void spawn_outsideAnyLoop_cancelInterruptsTheTask() throws Exception {
    CountDownLatch sleeping = new CountDownLatch(1);
    Task<String> t =
        Baton.spawn(
            () -> {
              try {
                sleeping.countDown();
                Baton.sleep(Duration.ofMinutes(10));
                return "slept";
              } catch (InterruptedException e) {
                Thread.sleep(20); // still running when get() already reports the cancel
                log("interrupted");
                throw e;
              }
            });
    sleeping.await();
    assertTrue(t.cancel());
    assertTrue(t.isCancelled());
    assertThrows(CancellationException.class, t::get);
    assertThrows(CancellationException.class, t::join); // waits for the body
    assertEquals(List.of("interrupted"), trace);
  }

  @Test
  void spawn_outsideAnyLoop_failureIsReportedLikeOnTheLoop() throws Exception {
    IOException boom = new IOException("boom");
    Task<Void> t =
        Baton.spawn(
            () -> {
              throw boom;
            });
    assertSame(boom, assertThrows(IOException.class, t::join));
    assertSame(
        boom, assertThrows(java.util.concurrent.ExecutionException.class, t::get).getCause());
  }
}
