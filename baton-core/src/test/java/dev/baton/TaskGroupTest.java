package dev.baton;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TaskGroup}: the behaviours CPython's {@code test_asyncio/test_taskgroups.py} asserts, on a
 * virtual-time loop. Each test names the Python test it mirrors. Where asyncio raises an {@code
 * ExceptionGroup}, Baton throws the first failure itself with the later ones suppressed.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TaskGroupTest {
  private static final Duration HOUR = Duration.ofHours(1);

  private final List<String> trace = Collections.synchronizedList(new ArrayList<>());

  private void log(String s) {
    trace.add(s);
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  /** A body that sleeps, then returns {@code value}. */
  private static <T> java.util.concurrent.Callable<T> after(Duration d, T value) {
    return () -> {
      Baton.sleep(d);
      return value;
    };
  }

  /** A body that sleeps, then throws {@code failure}. */
  private static java.util.concurrent.Callable<Void> failAfter(Duration d, Exception failure) {
    return () -> {
      Baton.sleep(d);
      throw failure;
    };
  }

  // ---------------------------------------------------------------- success

  @Test
  void close_waitsForEveryTask() throws Exception {
    // test_taskgroup_01
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Task<Integer> t1;
          Task<Integer> t2;
          try (TaskGroup g = new TaskGroup()) {
            t1 = g.spawn(after(ms(100), 42));
            t2 = g.spawn(after(ms(200), 11));
          }
          assertEquals(42, t1.get());
          assertEquals(11, t2.get());
          assertEquals(ms(200), loop.elapsed());
        });
  }

  @Test
  void spawn_laterInTheBody_isAwaitedToo() throws Exception {
    // test_taskgroup_02
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Task<Integer> t1;
          Task<Integer> t2;
          try (TaskGroup g = new TaskGroup()) {
            t1 = g.spawn(after(ms(100), 42));
            Baton.sleep(ms(150));
            t2 = g.spawn(after(ms(200), 11));
          }
          assertEquals(42, t1.get());
          assertEquals(11, t2.get());
          assertEquals(ms(350), loop.elapsed());
        });
  }

  @Test
  void cancellingOneTaskExplicitly_doesNotFailTheGroup() throws Exception {
    // test_taskgroup_03
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Task<Integer> t1;
              Task<Integer> t2;
              try (TaskGroup g = new TaskGroup()) {
                t1 = g.spawn(after(Duration.ofSeconds(1), 42));
                Baton.sleep(ms(150));
                t1.cancel();
                t2 = g.spawn(after(ms(200), 11));
              }
              assertTrue(t1.isCancelled());
              assertEquals(11, t2.get());
            });
  }

  @Test
  void tasksSpawnedWhileCloseWaits_areAwaitedToo() throws Exception {
    // test_taskgroup_24
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          TaskGroup g = new TaskGroup();
          try (g) {
            g.spawn(
                () -> {
                  Baton.sleep(ms(100));
                  g.spawn(after(ms(100), "a"));
                  g.spawn(after(ms(200), "b"));
                  return null;
                });
          }
          assertEquals(3, g.tasks().size());
          for (Task<?> t : g.tasks()) {
            assertTrue(t.isDone());
          }
          assertEquals(ms(300), loop.elapsed());
        });
  }

  @Test
  void namedTasks_carryTheirNames() throws Exception {
    // test_taskgroup_task_name, test_name
    EventLoop.withVirtualTime()
        .run(
            () -> {
              try (TaskGroup g = new TaskGroup()) {
                Task<String> t = g.spawn("yolo", Baton::currentTaskName);
                assertEquals("yolo", t.name());
                assertEquals("yolo", t.get());
                assertEquals(List.of(t.name()), g.tasks().stream().map(Task::name).toList());
              }
            });
  }

  @Test
  void emptyGroup_closesAtOnce() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          try (TaskGroup g = new TaskGroup()) {
            assertTrue(g.tasks().isEmpty());
          }
        });
    assertEquals(Duration.ZERO, loop.elapsed());
  }

  // ---------------------------------------------------------------- failure

  @Test
  void firstFailure_cancelsTheSiblings_andCloseRethrowsItUnwrapped() throws Exception {
    // test_taskgroup_04, test_cancel_children_on_child_error
    IOException boom = new IOException("boom");
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          AtomicReference<Task<Void>> sibling = new AtomicReference<>();
          IOException thrown =
              assertThrows(
                  IOException.class,
                  () -> {
                    try (TaskGroup g = new TaskGroup()) {
                      g.spawn(failAfter(ms(100), boom));
                      sibling.set(
                          g.spawn(
                              () -> {
                                try {
                                  Baton.sleep(Duration.ofSeconds(5));
                                  log("sibling finished");
                                } catch (InterruptedException e) {
                                  log("sibling cancelled");
                                  throw e;
                                }
                              }));
                    }
                    log("after the group");
                  });
          assertSame(boom, thrown);
          assertEquals(0, thrown.getSuppressed().length, "a cancelled sibling is no failure");
          assertTrue(sibling.get().isCancelled());
          assertEquals(ms(100), loop.elapsed(), "close did not wait for the sibling's 5 s");
        });
    assertEquals(List.of("sibling cancelled"), trace);
  }

  @Test
  void firstFailure_closeWaitsUntilCancelledBodiesHaveActuallyFinished() throws Exception {
    IOException boom = new IOException("boom");
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          assertSame(
              boom,
              assertThrows(
                  IOException.class,
                  () -> {
                    try (TaskGroup g = new TaskGroup()) {
                      g.spawn(failAfter(ms(100), boom));
                      g.spawn(
                          () -> {
                            try {
                              Baton.sleep(HOUR);
                            } catch (InterruptedException swallowed) {
                              Baton.sleep(Duration.ofSeconds(5)); // slow cleanup
                              log("cleanup done");
                            }
                            return "swallowed the cancel";
                          });
                    }
                  }));
          assertEquals(List.of("cleanup done"), trace);
          assertEquals(Duration.ofSeconds(5).plus(ms(100)), loop.elapsed());
        });
  }

  @Test
  void firstFailure_aSiblingThatHadNotStartedYet_neverRunsItsBody() throws Exception {
    IOException boom = new IOException("boom");
    EventLoop.withVirtualTime()
        .run(
            () -> {
              AtomicReference<Task<Void>> late = new AtomicReference<>();
              assertSame(
                  boom,
                  assertThrows(
                      IOException.class,
                      () -> {
                        try (TaskGroup g = new TaskGroup()) {
                          g.spawn(
                              () -> {
                                throw boom;
                              });
                          late.set(g.spawn(() -> log("late body ran")));
                        }
                      }));
              assertTrue(late.get().isCancelled());
            });
    assertEquals(List.of(), trace);
  }

  @Test
  void firstFailure_isThrownOnce_evenWhenSeveralTasksFailAtOnce_laterOnesSuppressed()
      throws Exception {
    // test_cancel_children_on_child_error: three children fail at the same instant
    IllegalStateException first = new IllegalStateException("first");
    IllegalArgumentException second = new IllegalArgumentException("second");
    ArithmeticException third = new ArithmeticException("third");
    EventLoop.withVirtualTime()
        .run(
            () -> {
              IllegalStateException thrown =
                  assertThrows(
                      IllegalStateException.class,
                      () -> {
                        try (TaskGroup g = new TaskGroup()) {
                          g.spawn(failAfter(ms(100), first));
                          g.spawn(failAfter(ms(100), second));
                          g.spawn(failAfter(ms(100), third));
                          g.spawn(after(Duration.ofSeconds(5), "cancelled"));
                        }
                      });
              assertSame(first, thrown);
              assertArrayEquals(new Throwable[] {second, third}, thrown.getSuppressed());
            });
  }

  @Test
  void aSiblingThatFailsDifferentlyWhileBeingCancelled_isSuppressedIntoTheFirstFailure()
      throws Exception {
    // test_taskgroup_19 and test_taskgroup_21a: a failure raised while handling the cancellation
    // is kept (asyncio collects it into the ExceptionGroup), not lost.
    IOException boom = new IOException("boom");
    IllegalStateException cleanupFailed = new IllegalStateException("cleanup failed");
    EventLoop.withVirtualTime()
        .run(
            () -> {
              IOException thrown =
                  assertThrows(
                      IOException.class,
                      () -> {
                        try (TaskGroup g = new TaskGroup()) {
                          g.spawn(failAfter(ms(100), boom));
                          g.spawn(
                              () -> {
                                try {
                                  Baton.sleep(Duration.ofSeconds(10));
                                } catch (InterruptedException e) {
                                  throw cleanupFailed;
                                }
                                return null;
                              });
                          g.spawn(after(Duration.ofSeconds(10), "plain cancel"));
                        }
                      });
              assertSame(boom, thrown);
              assertArrayEquals(new Throwable[] {cleanupFailed}, thrown.getSuppressed());
            });
  }

  @Test
  void failure_ofAnError_isRethrownToo() throws Exception {
    AssertionError error = new AssertionError("an Error");
    EventLoop.withVirtualTime()
        .run(
            () -> {
              assertSame(
                  error,
                  assertThrows(
                      AssertionError.class,
                      () -> {
                        try (TaskGroup g = new TaskGroup()) {
                          g.spawn(
                              () -> {
                                throw error;
                              });
                          g.spawn(after(HOUR, 1));
                        }
                      }));
            });
  }

  @Test
  void failure_doesNotInterruptTheBodyOfTheTryBlock() throws Exception {
    // A documented difference from asyncio (test_cancel_children_on_child_error cancels the body):
    // Java's try-with-resources would report that interruption instead of the child's failure.
    IOException boom = new IOException("boom");
    EventLoop.withVirtualTime()
        .run(
            () -> {
              assertSame(
                  boom,
                  assertThrows(
                      IOException.class,
                      () -> {
                        try (TaskGroup g = new TaskGroup()) {
                          g.spawn(failAfter(ms(100), boom));
                          Baton.sleep(Duration.ofSeconds(1));
                          log("body ran to its end");
                        }
                      }));
            });
    assertEquals(List.of("body ran to its end"), trace);
  }

  @Test
  void failure_doesNotLeakACancelIntoTheParent() throws Exception {
    // test_cancellation_does_not_leak_out_of_tg, test_cancelling_level_preserved
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          assertThrows(
              IOException.class,
              () -> {
                try (TaskGroup g = new TaskGroup()) {
                  g.spawn(
                      () -> {
                        throw new IOException("x");
                      });
                }
              });
          assertFalse(Thread.currentThread().isInterrupted());
          Baton.yieldNow();
          Baton.sleep(Duration.ofSeconds(1));
        });
    assertEquals(Duration.ofSeconds(1), loop.elapsed());
  }

  @Test
  void hydra_tasksSpawningTasksUntilAnotherFails() throws Exception {
    // test_taskgroup_25
    AtomicInteger hydras = new AtomicInteger();
    ArithmeticException boom = new ArithmeticException("hercules");
    EventLoop.withVirtualTime()
        .run(
            () -> {
              ArithmeticException thrown =
                  assertThrows(
                      ArithmeticException.class,
                      () -> {
                        try (TaskGroup g = new TaskGroup()) {
                          g.spawn(hydra(g, hydras));
                          g.spawn(
                              () -> {
                                while (hydras.get() < 10) {
                                  Baton.sleep(ms(15));
                                }
                                throw boom;
                              });
                        }
                      });
              assertSame(boom, thrown);
              assertEquals(0, thrown.getSuppressed().length);
            });
    assertTrue(hydras.get() >= 10, "hydras: " + hydras.get());
  }

  private static java.util.concurrent.Callable<Void> hydra(TaskGroup g, AtomicInteger count) {
    return () -> {
      count.incrementAndGet();
      Baton.sleep(ms(10));
      g.spawn(hydra(g, count));
      g.spawn(hydra(g, count));
      return null;
    };
  }

  @Test
  void aTaskThatSpawnsAFailingTask_isCancelledAtItsNextWait() throws Exception {
    // test_cancels_task_if_created_during_creation (gh-128550)
    IllegalStateException third = new IllegalStateException("third task failed");
    EventLoop.withVirtualTime()
        .run(
            () -> {
              assertSame(
                  third,
                  assertThrows(
                      IllegalStateException.class,
                      () -> {
                        try (TaskGroup g = new TaskGroup()) {
                          g.spawn(
                              () -> {
                                g.spawn(
                                    () -> {
                                      throw third;
                                    });
                                assertThrows(
                                    InterruptedException.class,
                                    () -> {
                                      Baton.yieldNow();
                                      Baton.yieldNow();
                                    });
                                log("second task saw the cancel");
                                return null;
                              });
                        }
                      }));
            });
    assertEquals(List.of("second task saw the cancel"), trace);
  }

  // ---------------------------------------------------------------- spawning when it is too late

  @Test
  void spawn_intoAClosedGroup_throwsIllegalStateException() throws Exception {
    // test_taskgroup_finished, test_coro_closed_when_tg_closed
    AtomicInteger ran = new AtomicInteger();
    EventLoop.withVirtualTime()
        .run(
            () -> {
              TaskGroup g = new TaskGroup();
              try (g) {
                g.spawn(after(ms(10), 1));
              }
              assertThrows(IllegalStateException.class, () -> g.spawn(() -> ran.incrementAndGet()));
              TaskGroup empty = new TaskGroup();
              empty.close();
              assertThrows(IllegalStateException.class, () -> empty.spawn(() -> 1));
              Baton.sleep(Duration.ofSeconds(1));
            });
    assertEquals(0, ran.get());
  }

  @Test
  void spawn_intoAFailingGroup_throwsIllegalStateException() throws Exception {
    // test_taskgroup_no_create_task_after_failure
    ArithmeticException boom = new ArithmeticException("/ by zero");
    AtomicInteger ran = new AtomicInteger();
    EventLoop.withVirtualTime()
        .run(
            () -> {
              ArithmeticException thrown =
                  assertThrows(
                      ArithmeticException.class,
                      () -> {
                        try (TaskGroup g = new TaskGroup()) {
                          g.spawn(failAfter(ms(1), boom));
                          g.spawn(
                              () -> {
                                try {
                                  Baton.sleep(Duration.ofSeconds(1));
                                } catch (InterruptedException e) {
                                  assertThrows(
                                      IllegalStateException.class,
                                      () -> g.spawn(() -> ran.incrementAndGet()));
                                  log("spawn refused");
                                }
                                return null;
                              });
                        }
                      });
              assertSame(boom, thrown);
            });
    assertEquals(List.of("spawn refused"), trace);
    assertEquals(0, ran.get());
  }

  // ---------------------------------------------------------------- cancelling the parent

  @Test
  void parentCancelledWhileInClose_cancelsTheTasks_waitsForThem_andPropagates() throws Exception {
    // test_cancellation, test_taskgroup_22
    AtomicInteger cancelledChildren = new AtomicInteger();
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Task<Void> runner =
              Baton.spawn(
                  () -> {
                    try (TaskGroup g = new TaskGroup()) {
                      for (int i = 0; i < 5; i++) {
                        g.spawn(
                            () -> {
                              try {
                                Baton.sleep(Duration.ofSeconds(5));
                              } catch (InterruptedException e) {
                                Baton.sleep(ms(50)); // cleanup that takes time
                                cancelledChildren.incrementAndGet();
                                throw e;
                              }
                              return null;
                            });
                      }
                    } catch (InterruptedException e) {
                      log("runner saw InterruptedException, children done: " + cancelledChildren);
                      throw e;
                    }
                  });
          Baton.sleep(ms(100));
          assertFalse(runner.isDone());
          assertTrue(runner.cancel());
          assertThrows(CancellationException.class, runner::join);
          assertEquals(5, cancelledChildren.get());
          assertEquals(ms(150), loop.elapsed());
        });
    assertEquals(List.of("runner saw InterruptedException, children done: 5"), trace);
  }

  @Test
  void parentCancelledInTheBody_cancelsTheTasksToo() throws Exception {
    // test_taskgroup_07, test_taskgroup_17
    AtomicInteger count = new AtomicInteger();
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Task<Void> runner =
              Baton.spawn(
                  () -> {
                    try (TaskGroup g = new TaskGroup()) {
                      for (int i = 0; i < 5; i++) {
                        g.spawn(
                            () -> {
                              try {
                                Baton.sleep(Duration.ofSeconds(5));
                              } catch (InterruptedException e) {
                                count.incrementAndGet();
                                throw e;
                              }
                              return null;
                            });
                      }
                      try {
                        Baton.sleep(Duration.ofSeconds(10));
                      } catch (InterruptedException e) {
                        count.addAndGet(10);
                        throw e;
                      }
                    }
                  });
          Baton.sleep(ms(100));
          assertFalse(runner.isDone());
          runner.cancel();
          assertThrows(CancellationException.class, runner::join);
          assertEquals(15, count.get());
          assertEquals(ms(100), loop.elapsed(), "the children did not sleep their 5 s");
        });
  }

  @Test
  void parentCancelled_nestedGroups_bothCancelTheirTasks() throws Exception {
    // test_taskgroup_11, test_taskgroup_12
    AtomicInteger cancelled = new AtomicInteger();
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Task<Void> runner =
              Baton.spawn(
                  () -> {
                    try (TaskGroup g1 = new TaskGroup()) {
                      g1.spawn(sleepCounting(cancelled));
                      try (TaskGroup g2 = new TaskGroup()) {
                        for (int i = 0; i < 5; i++) {
                          g2.spawn(sleepCounting(cancelled));
                        }
                        Baton.sleep(Duration.ofSeconds(10));
                      }
                    }
                  });
          Baton.sleep(ms(100));
          runner.cancel();
          assertThrows(CancellationException.class, runner::join);
          assertEquals(6, cancelled.get());
          assertEquals(ms(100), loop.elapsed());
        });
  }

  private static java.util.concurrent.Callable<Void> sleepCounting(AtomicInteger cancelled) {
    return () -> {
      try {
        Baton.sleep(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        cancelled.incrementAndGet();
        throw e;
      }
      return null;
    };
  }

  @Test
  void aGroupOpenedAfterTheOwnerHandledACancel_runsItsTasksNormally() throws Exception {
    // The counterpart of test_timeout_after_cancellation: cleanup code of a cancelled task may
    // still use a group; only a cancel that arrives while the group is open aborts it.
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Task<Void> t =
              Baton.spawn(
                  () -> {
                    try {
                      Baton.sleep(HOUR);
                    } catch (InterruptedException handled) {
                      try (TaskGroup cleanup = new TaskGroup()) {
                        cleanup.spawn(after(Duration.ofSeconds(2), "flushed"));
                      }
                      log("cleanup group finished");
                    }
                  });
          Baton.sleep(Duration.ofSeconds(1));
          t.cancel();
          assertThrows(CancellationException.class, t::join);
          assertEquals(Duration.ofSeconds(3), loop.elapsed());
        });
    assertEquals(List.of("cleanup group finished"), trace);
  }

  @Test
  void parentCancelled_whileAChildFailsDuringItsCleanup_stillEndsCancelled() throws Exception {
    // test_taskgroup_15, test_taskgroup_16
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Task<Void> runner =
                  Baton.spawn(
                      () -> {
                        try (TaskGroup g = new TaskGroup()) {
                          g.spawn(failAfter(ms(300), new ArithmeticException("/ by zero")));
                          try {
                            Baton.sleep(Duration.ofSeconds(10));
                          } catch (InterruptedException e) {
                            Baton.sleep(ms(500)); // the child fails meanwhile
                            throw e;
                          }
                        }
                      });
              Task<Void> outer = Baton.spawn(runner::join);
              Baton.sleep(ms(100));
              assertFalse(runner.isDone());
              runner.cancel();
              assertThrows(CancellationException.class, runner::join);
              assertThrows(CancellationException.class, outer::join);
            });
  }

  @Test
  void parentCancelled_closeThrowsInterruptedException_carryingTheFirstFailure() throws Exception {
    IOException boom = new IOException("boom");
    EventLoop.withVirtualTime()
        .run(
            () -> {
              AtomicReference<Throwable> closeThrew = new AtomicReference<>();
              TaskGroup g = new TaskGroup();
              Task<Void> runner =
                  Baton.spawn(
                      () -> {
                        g.spawn(
                            () -> {
                              try {
                                Baton.sleep(HOUR);
                              } catch (InterruptedException e) {
                                throw boom; // fails while the group cancels it
                              }
                              return null;
                            });
                        try {
                          g.close();
                        } catch (Throwable t) {
                          closeThrew.set(t);
                          throw t;
                        }
                      });
              Baton.sleep(ms(100));
              runner.cancel();
              assertThrows(CancellationException.class, runner::join);
              InterruptedException e =
                  assertInstanceOf(InterruptedException.class, closeThrew.get());
              assertArrayEquals(new Throwable[] {boom}, e.getSuppressed());
            });
  }
}
