package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Regressions found in the engine, each kept as the smallest program that showed it. */
class EngineRegressionTest {

  /**
   * Condition.await releases its lock through the condition's queue, which shares the lock's guard.
   * The hand-off to a queued lock waiter was recorded on the lock queue's resume list but the guard
   * was unlocked through the condition queue, so the new owner was never woken: the loop reported a
   * task "waiting for a lock it holds".
   */
  @Test
  void conditionAwait_handsLockToQueuedWaiter_andWakesIt() throws Exception {
    List<String> trace = new ArrayList<>();
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Lock lock = new Lock();
              Condition cond = new Condition(lock);
              Task<?> waiter =
                  Baton.spawn(
                      () -> {
                        lock.acquire();
                        trace.add("waiter has lock");
                        cond.signal();
                        lock.release();
                      });
              lock.acquire();
              Baton.yieldNow(); // the waiter queues for the lock
              trace.add("main awaits");
              cond.await(); // hands the lock to the queued waiter, which must run
              trace.add("main signalled");
              lock.release();
              waiter.join();
            });
    assertEquals(List.of("main awaits", "waiter has lock", "main signalled"), trace);
  }
}
