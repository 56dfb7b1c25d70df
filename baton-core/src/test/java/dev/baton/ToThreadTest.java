package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Baton#toThread}: blocking work off the loop, without holding the baton. The work itself
 * may block for real (that is what it is for); the loop's tasks still never sleep for real.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ToThreadTest {
  private final List<String> trace = Collections.synchronizedList(new ArrayList<>());

  private void log(String s) {
    trace.add(s);
  }

  @Test
  void returnsTheWorksResult_computedOnAnotherThreadThatIsNoTask() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Thread task = Thread.currentThread();
              AtomicReference<Thread> worker = new AtomicReference<>();
              String r =
                  Baton.toThread(
                      () -> {
                        worker.set(Thread.currentThread());
                        assertNull(Baton.currentTaskName(), "the work runs outside any task");
                        return "result";
                      });
              assertEquals("result", r);
              assertNotSame(task, worker.get());
              assertEquals("main", Baton.currentTaskName());
            });
  }

  @Test
  void theWorksFailure_isRethrownUnwrapped() throws Exception {
    IOException checked = new IOException("disk");
    IllegalStateException unchecked = new IllegalStateException("state");
    EventLoop.withVirtualTime()
        .run(
            () -> {
              assertSame(
                  checked,
                  assertThrows(
                      IOException.class,
                      () ->
                          Baton.toThread(
                              () -> {
                                throw checked;
                              })));
              assertSame(
                  unchecked,
                  assertThrows(
                      IllegalStateException.class,
                      () ->
                          Baton.toThread(
                              () -> {
                                throw unchecked;
                              })));
            });
  }

  @Test
  void otherTasksRun_whileTheWorkBlocks() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              CountDownLatch release = new CountDownLatch(1);
              Task<Void> other =
                  Baton.spawn(
                      () -> {
                        for (int i = 0; i < 3; i++) {
                          log("other " + i);
                          Baton.yieldNow();
                        }
                        release.countDown(); // only a running loop can get here
                      });
              String r =
                  Baton.toThread(
                      () -> {
                        assertTrue(release.await(30, TimeUnit.SECONDS), "the loop was held");
                        return "released";
                      });
              log(r);
              other.get();
            });
    assertEquals(List.of("other 0", "other 1", "other 2", "released"), trace);
  }

  @Test
  void theVirtualClock_doesNotJumpWhileWorkIsInFlight() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Task<Void> sleeper =
              Baton.spawn(
                  () -> {
                    Baton.sleep(Duration.ofSeconds(1));
                    log("sleeper woke");
                  });
          Baton.yieldNow(); // the sleeper's timer is set
          Baton.toThread(
              () -> {
                Thread.sleep(20); // real blocking work
                log("work done");
                return null;
              });
          sleeper.get();
        });
    assertEquals(List.of("work done", "sleeper woke"), trace);
    assertEquals(Duration.ofSeconds(1), loop.elapsed());
  }

  @Test
  void theWork_canWakeLoopTasks() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Event fromWork = new Event();
              Task<Void> waiter =
                  Baton.spawn(
                      () -> {
                        fromWork.await();
                        log("waiter woke");
                      });
              Baton.yieldNow();
              Baton.toThread(
                  () -> {
                    fromWork.set();
                    return null;
                  });
              waiter.get();
            });
    assertEquals(List.of("waiter woke"), trace);
  }

  @Test
  void cancellingTheCaller_interruptsTheWork_andTheCallerThrowsInterruptedException()
      throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              CountDownLatch started = new CountDownLatch(1);
              CountDownLatch workEnded = new CountDownLatch(1);
              Task<Void> caller =
                  Baton.spawn(
                      () -> {
                        try {
                          Baton.toThread(
                              () -> {
                                started.countDown();
                                try {
                                  new CountDownLatch(1).await(); // blocks until interrupted
                                } catch (InterruptedException e) {
                                  log("work interrupted");
                                  throw e;
                                } finally {
                                  workEnded.countDown();
                                }
                                return null;
                              });
                        } catch (InterruptedException e) {
                          log("caller interrupted");
                          throw e;
                        }
                      });
              Baton.toThread(() -> started.await(30, TimeUnit.SECONDS));
              assertTrue(caller.cancel());
              assertThrows(CancellationException.class, caller::join);
              assertTrue(
                  Baton.toThread(() -> workEnded.await(30, TimeUnit.SECONDS)),
                  "the work's thread was interrupted");
            });
    assertTrue(trace.contains("caller interrupted"), trace.toString());
    assertTrue(trace.contains("work interrupted"), trace.toString());
  }

  @Test
  void offAnyLoop_theWorkRunsInline() throws Exception {
    Thread me = Thread.currentThread();
    assertSame(me, Baton.toThread(Thread::currentThread));
    Thread parallelMain =
        Baton.runParallel(
            () -> {
              Thread task = Thread.currentThread();
              assertSame(task, Baton.toThread(Thread::currentThread));
              return task;
            });
    assertTrue(parallelMain.isVirtual());
  }

  @Test
  void nullWork_isRejected() throws Exception {
    EventLoop.withVirtualTime()
        .run(() -> assertThrows(NullPointerException.class, () -> Baton.toThread(null)));
  }
}
