package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Every argument error DESIGN.md names: a negative or null {@code Duration} on every timed method,
 * {@code signal(-1)}, {@code new Semaphore(-1)}, null predicates, locks and bodies. Each must throw
 * {@link IllegalArgumentException} or {@link NullPointerException} whose message starts with the
 * parameter's name as its javadoc spells it, and leave the primitive exactly as it was. The
 * primitives are put in a busy state first (held, with waiters queued) through the async face, so
 * their statistics are stable while the bad call is made.
 */
class BadInputTest {
  private static final Duration NEGATIVE = Duration.ofNanos(-1);

  /** One bad call: its exception type, the parameter its message must name, and the call. */
  private static DynamicTest bad(
      String display,
      Class<? extends RuntimeException> type,
      String parameter,
      Supplier<Object> statistics,
      Executable call) {
    return dynamicTest(
        display,
        () -> {
          Object before = statistics.get();
          RuntimeException e = assertThrows(type, call);
          assertTrue(
              e.getMessage() != null && e.getMessage().startsWith(parameter + " "),
              "the message must name the parameter '" + parameter + "': " + e.getMessage());
          assertEquals(before, statistics.get(), "the primitive must be left as it was");
        });
  }

  private static Supplier<Object> nothing() {
    return () -> "no primitive";
  }

  // ------------------------------------------------------------------ timed methods

  @TestFactory
  List<DynamicTest> event() {
    Event ev = new Event();
    CompletableFuture<Void> waiter = ev.awaitAsync();
    Supplier<Object> stats = ev::statistics;
    List<DynamicTest> tests =
        List.of(
            bad("await(null)", NullPointerException.class, "timeout", stats, () -> ev.await(null)),
            bad(
                "await(negative)",
                IllegalArgumentException.class,
                "timeout",
                stats,
                () -> ev.await(NEGATIVE)));
    return withCleanup(tests, () -> waiter.cancel(false));
  }

  @TestFactory
  List<DynamicTest> lock() {
    Lock lock = new Lock();
    Held held = lock.acquireAsync().join();
    CompletableFuture<Held> waiter = lock.acquireAsync();
    Supplier<Object> stats = lock::statistics;
    List<DynamicTest> tests =
        List.of(
            bad(
                "acquire(null)",
                NullPointerException.class,
                "timeout",
                stats,
                () -> lock.acquire(null)),
            bad(
                "acquire(negative)",
                IllegalArgumentException.class,
                "timeout",
                stats,
                () -> lock.acquire(NEGATIVE)));
    return withCleanup(
        tests,
        () -> {
          waiter.cancel(false);
          held.close();
        });
  }

  @TestFactory
  List<DynamicTest> semaphore() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Semaphore sem : List.of(new Semaphore(1), new BoundedSemaphore(1))) {
      String kind = sem.getClass().getSimpleName();
      Held permit = sem.acquireAsync().join();
      CompletableFuture<Held> waiter = sem.acquireAsync();
      Supplier<Object> stats = sem::statistics;
      tests.add(
          bad(
              kind + ".acquire(null)",
              NullPointerException.class,
              "timeout",
              stats,
              () -> sem.acquire(null)));
      tests.add(
          bad(
              kind + ".acquire(negative)",
              IllegalArgumentException.class,
              "timeout",
              stats,
              () -> sem.acquire(NEGATIVE)));
      tests.add(
          dynamicTest(
              kind + " cleanup",
              () -> {
                waiter.cancel(false);
                permit.close();
                assertEquals(new Semaphore.Statistics(1, 0), sem.statistics());
              }));
    }
    tests.add(
        bad(
            "new Semaphore(-1)",
            IllegalArgumentException.class,
            "permits",
            nothing(),
            () -> new Semaphore(-1)));
    tests.add(
        bad(
            "new BoundedSemaphore(-1)",
            IllegalArgumentException.class,
            "permits",
            nothing(),
            () -> new BoundedSemaphore(-1)));
    return tests;
  }

  @TestFactory
  List<DynamicTest> condition() throws Exception {
    Condition cond = new Condition();
    cond.acquire();
    CompletableFuture<Held> waiter = cond.awaitAsync(); // one waiter on the condition
    cond.acquire(); // the test thread holds the lock for every bad call
    Supplier<Object> stats = cond::statistics;
    List<DynamicTest> tests =
        List.of(
            bad(
                "await(null)",
                NullPointerException.class,
                "timeout",
                stats,
                () -> cond.await(null)),
            bad(
                "await(negative)",
                IllegalArgumentException.class,
                "timeout",
                stats,
                () -> cond.await(NEGATIVE)),
            bad(
                "acquire(null)",
                NullPointerException.class,
                "timeout",
                stats,
                () -> cond.acquire(null)),
            bad(
                "acquire(negative)",
                IllegalArgumentException.class,
                "timeout",
                stats,
                () -> cond.acquire(NEGATIVE)),
            bad(
                "awaitUntil(null)",
                NullPointerException.class,
                "predicate",
                stats,
                () -> cond.awaitUntil((BooleanSupplier) null)),
            bad("signal(-1)", IllegalArgumentException.class, "n", stats, () -> cond.signal(-1)),
            bad(
                "signal(Integer.MIN_VALUE)",
                IllegalArgumentException.class,
                "n",
                stats,
                () -> cond.signal(Integer.MIN_VALUE)),
            bad(
                "new Condition(null)",
                NullPointerException.class,
                "lock",
                nothing(),
                () -> new Condition(null)),
            dynamicTest(
                "the lock was never released by a bad call",
                () -> assertTrue(cond.lock().isHeldByCurrentThread())));
    return withCleanup(
        tests,
        () -> {
          waiter.cancel(false);
          cond.release();
        });
  }

  @TestFactory
  List<DynamicTest> condition_withoutTheLock_argumentsAreCheckedFirst() {
    Condition cond = new Condition();
    Supplier<Object> stats = cond::statistics;
    return List.of(
        bad("signal(-1)", IllegalArgumentException.class, "n", stats, () -> cond.signal(-1)),
        bad(
            "awaitUntil(null)",
            NullPointerException.class,
            "predicate",
            stats,
            () -> cond.awaitUntil((BooleanSupplier) null)),
        bad("await(null)", NullPointerException.class, "timeout", stats, () -> cond.await(null)));
  }

  // ------------------------------------------------------------------ tasks and bodies

  @TestFactory
  List<DynamicTest> baton() {
    AtomicInteger ran = new AtomicInteger();
    Callable<Integer> body =
        () -> {
          ran.incrementAndGet();
          return 1;
        };
    Supplier<Object> nothingRan = ran::get;
    return List.of(
        bad(
            "sleep(null)",
            NullPointerException.class,
            "duration",
            nothingRan,
            () -> Baton.sleep(null)),
        bad(
            "sleep(negative)",
            IllegalArgumentException.class,
            "duration",
            nothingRan,
            () -> Baton.sleep(NEGATIVE)),
        bad(
            "timeout(null, body)",
            NullPointerException.class,
            "duration",
            nothingRan,
            () -> Baton.timeout(null, body)),
        bad(
            "timeout(negative, body)",
            IllegalArgumentException.class,
            "duration",
            nothingRan,
            () -> Baton.timeout(NEGATIVE, body)),
        bad(
            "timeout(duration, null)",
            NullPointerException.class,
            "body",
            nothingRan,
            () -> Baton.timeout(Duration.ofSeconds(1), null)),
        bad(
            "spawn((Callable) null)",
            NullPointerException.class,
            "body",
            nothingRan,
            () -> Baton.spawn((Callable<Object>) null)),
        bad(
            "spawn((Body) null)",
            NullPointerException.class,
            "body",
            nothingRan,
            () -> Baton.spawn((Body) null)),
        bad(
            "spawn(name, (Callable) null)",
            NullPointerException.class,
            "body",
            nothingRan,
            () -> Baton.spawn("name", (Callable<Object>) null)),
        bad(
            "spawn(name, (Body) null)",
            NullPointerException.class,
            "body",
            nothingRan,
            () -> Baton.spawn("name", (Body) null)),
        bad(
            "gather(null)",
            NullPointerException.class,
            "bodies",
            nothingRan,
            () -> Baton.gather((Callable<Object>[]) null)),
        bad(
            "gather(body, null)",
            NullPointerException.class,
            "bodies[1]",
            nothingRan,
            () -> Baton.gather(body, null)),
        bad(
            "toThread(null)",
            NullPointerException.class,
            "work",
            nothingRan,
            () -> Baton.toThread(null)),
        bad(
            "run((Callable) null)",
            NullPointerException.class,
            "main",
            nothingRan,
            () -> Baton.run((Callable<Object>) null)),
        bad(
            "run((Body) null)",
            NullPointerException.class,
            "main",
            nothingRan,
            () -> Baton.run((Body) null)),
        bad(
            "runParallel((Callable) null)",
            NullPointerException.class,
            "main",
            nothingRan,
            () -> Baton.runParallel((Callable<Object>) null)),
        bad(
            "runParallel((Body) null)",
            NullPointerException.class,
            "main",
            nothingRan,
            () -> Baton.runParallel((Body) null)),
        bad(
            "EventLoop.run((Callable) null)",
            NullPointerException.class,
            "main",
            nothingRan,
            () -> EventLoop.withVirtualTime().run((Callable<Object>) null)),
        bad(
            "EventLoop.run((Body) null)",
            NullPointerException.class,
            "main",
            nothingRan,
            () -> EventLoop.withVirtualTime().run((Body) null)));
  }

  @TestFactory
  List<DynamicTest> taskGroup() {
    TaskGroup group = new TaskGroup();
    Supplier<Object> tasks = () -> group.tasks().size();
    return withCleanup(
        List.of(
            bad(
                "spawn((Callable) null)",
                NullPointerException.class,
                "body",
                tasks,
                () -> group.spawn((Callable<Object>) null)),
            bad(
                "spawn((Body) null)",
                NullPointerException.class,
                "body",
                tasks,
                () -> group.spawn((Body) null)),
            bad(
                "spawn(name, (Callable) null)",
                NullPointerException.class,
                "body",
                tasks,
                () -> group.spawn("name", (Callable<Object>) null)),
            bad(
                "spawn(name, (Body) null)",
                NullPointerException.class,
                "body",
                tasks,
                () -> group.spawn("name", (Body) null))),
        group::close);
  }

  private static List<DynamicTest> withCleanup(List<DynamicTest> tests, Executable cleanup) {
    List<DynamicTest> all = new ArrayList<>(tests);
    all.add(dynamicTest("cleanup", cleanup));
    return all;
  }
}
