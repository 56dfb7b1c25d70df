package dev.baton;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void eventDemo() throws Exception {
    List<String> out = Collections.synchronizedList(new ArrayList<>());
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Event event = new Event();
          Baton.gather(
              () -> {
                out.add("Coroutine 1 is waiting...");
                event.await();
                out.add("Coroutine 1 resumed.");
                return null;
              },
              () -> {
                out.add("Coroutine 2 is doing some work...");
                Baton.sleep(Duration.ofSeconds(2));
                event.set();
                out.add("Coroutine 2 finished its work.");
                return null;
              });
        });
    assertEquals(
        List.of(
            "Coroutine 1 is waiting...",
            "Coroutine 2 is doing some work...",
            "Coroutine 2 finished its work.",
            "Coroutine 1 resumed."),
        out);
    assertEquals(Duration.ofSeconds(2), loop.elapsed());
  }

  @Test
  void lockPingPong() throws Exception {
    int[] counter = new int[1];
    Baton.run(
        () -> {
          Lock lock = new Lock();
          Baton.gather(
              () -> {
                for (int i = 0; i < 10000; i++) {
                  lock.acquire();
                  counter[0]++;
                  Baton.yieldNow();
                  lock.release();
                }
                return null;
              },
              () -> {
                for (int i = 0; i < 10000; i++) {
                  lock.acquire();
                  counter[0]++;
                  Baton.yieldNow();
                  lock.release();
                }
                return null;
              });
        });
    assertEquals(20000, counter[0]);
  }

  @Test
  void conditionDeadlock() {
    DeadlockException e =
        assertThrows(
            DeadlockException.class,
            () ->
                EventLoop.withVirtualTime()
                    .run(
                        () -> {
                          Condition c = new Condition();
                          Baton.gather(
                              () -> {
                                try (Held h = c.hold()) {
                                  Baton.sleep(Duration.ofSeconds(2));
                                  c.signal();
                                }
                                return null;
                              },
                              () -> {
                                try (Held h = c.hold()) {
                                  c.await();
                                }
                                return null;
                              });
                        }));
    System.out.println(e.getMessage());
    assertTrue(e.getMessage().contains("Condition"));
  }

  @Test
  void parallelSpawnGather() throws Exception {
    long sum =
        Baton.runParallel(
            () -> {
              List<Task<Integer>> ts = new ArrayList<>();
              for (int i = 0; i < 1000; i++) {
                int k = i;
                ts.add(Baton.spawn(() -> k));
              }
              long s = 0;
              for (Task<Integer> t : ts) s += t.get();
              return s;
            });
    assertEquals(499500, sum);
  }
}
