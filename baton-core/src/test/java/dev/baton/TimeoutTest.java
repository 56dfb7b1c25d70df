package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Baton#timeout}: the behaviours CPython's {@code test_asyncio/test_timeouts.py} asserts, on
 * a virtual-time loop. Each test names the Python test it mirrors.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimeoutTest {
  private static final Duration HOUR = Duration.ofHours(1);

  private final List<String> trace = Collections.synchronizedList(new ArrayList<>());

  private void log(String s) {
    trace.add(s);
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  // ---------------------------------------------------------------- expiry

  @Test
  void expiry_interruptsTheBody_andThrowsTimeoutException() throws Exception {
    // test_timeout_basic, test_timeout_exception_cause
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          TimeoutException e =
              assertThrows(
                  TimeoutException.class,
                  () ->
                      Baton.timeout(
                          ms(10),
                          () -> {
                            Baton.sleep(Duration.ofSeconds(10));
                            return "slept";
                          }));
          assertInstanceOf(InterruptedException.class, e.getCause());
          assertEquals(ms(10), loop.elapsed());
          assertFalse(Thread.currentThread().isInterrupted(), "no interrupt left behind");
        });
  }

  @Test
  void expiry_theBodySeesTheInterrupt() throws Exception {
    // test_waiter_cancelled
    EventLoop.withVirtualTime()
        .run(
            () -> {
              assertThrows(
                  TimeoutException.class,
                  () ->
                      Baton.timeout(
                          ms(10),
                          () -> {
                            try {
                              Baton.sleep(Duration.ofSeconds(10));
                            } catch (InterruptedException e) {
                              log("body interrupted");
                              throw e;
                            }
                            return null;
                          }));
            });
    assertEquals(List.of("body interrupted"), trace);
  }

  @Test
  void expiry_interruptsAnyBlockingWait_notOnlySleep() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Lock lock = new Lock();
          Held heldElsewhere = lock.acquireAsync().join(); // owned by the Held, not by main
          Event never = new Event();
          assertThrows(TimeoutException.class, () -> Baton.timeout(ms(5), () -> lock.hold()));
          assertEquals(0, lock.statistics().waiting(), "the timed-out acquire left the queue");
          assertThrows(
              TimeoutException.class,
              () ->
                  Baton.timeout(
                      ms(5),
                      () -> {
                        never.await();
                        return null;
                      }));
          assertEquals(0, never.statistics().waiting());
          assertEquals(ms(10), loop.elapsed());
          heldElsewhere.close();
          assertFalse(lock.isLocked());
        });
  }

  @Test
  void expiry_ofAChildsTimeout_doesNotCancelTheChild() throws Exception {
    // test_outer_task_is_not_cancelled
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Task<String> t =
                  Baton.spawn(
                      () -> {
                        try {
                          Baton.timeout(
                              ms(1),
                              () -> {
                                Baton.sleep(Duration.ofSeconds(10));
                                return null;
                              });
                          return "not expired";
                        } catch (TimeoutException e) {
                          return "caught";
                        }
                      });
              assertEquals("caught", t.get());
              assertFalse(t.isCancelled());
              assertTrue(t.isDone());
            });
  }

  // ---------------------------------------------------------------- no expiry

  @Test
  void noExpiry_returnsTheResult_leavesNoInterruptAndNoTimerBehind() throws Exception {
    // test_timeout_not_called
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          String r =
              Baton.timeout(
                  Duration.ofSeconds(10),
                  () -> {
                    Baton.sleep(ms(10));
                    return "in time";
                  });
          assertEquals("in time", r);
          assertFalse(Thread.currentThread().isInterrupted());
          assertEquals(ms(10), loop.elapsed());
          Baton.sleep(Duration.ofSeconds(20)); // sleeps past the old deadline, uninterrupted
          assertEquals(Duration.ofSeconds(20).plus(ms(10)), loop.elapsed());
        });
    // A timeout that never expired must not keep the loop waiting for its timer.
    EventLoop quick = EventLoop.withVirtualTime();
    assertEquals(1, quick.run(() -> Baton.timeout(HOUR, () -> 1)));
    assertEquals(Duration.ZERO, quick.elapsed());
  }

  @Test
  void noExpiry_aDurationTooLongToRepresent_neverExpires() throws Exception {
    // test_timeout_disabled: asyncio.timeout(None)
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () ->
            Baton.timeout(
                Duration.ofSeconds(Long.MAX_VALUE),
                () -> {
                  Baton.sleep(Duration.ofDays(365));
                  return null;
                }));
    assertEquals(Duration.ofDays(365), loop.elapsed());
  }

  @Test
  void foreignException_passesThroughUnchanged() throws Exception {
    // test_foreign_exception_passed
    EventLoop.withVirtualTime()
        .run(
            () -> {
              IllegalStateException boom = new IllegalStateException("boom");
              assertSame(
                  boom,
                  assertThrows(
                      IllegalStateException.class,
                      () ->
                          Baton.timeout(
                              ms(10),
                              () -> {
                                throw boom;
                              })));
              Baton.sleep(Duration.ofSeconds(1)); // the disarmed timeout does not fire later
            });
  }

  @Test
  void foreignException_raisedWhileHandlingTheExpiry_winsOverTheTimeout() throws Exception {
    // test_foreign_exception_on_timeout
    EventLoop.withVirtualTime()
        .run(
            () -> {
              assertThrows(
                  ArithmeticException.class,
                  () ->
                      Baton.timeout(
                          ms(10),
                          () -> {
                            try {
                              Baton.sleep(Duration.ofSeconds(1));
                            } finally {
                              int zero = 0;
                              log("" + (1 / zero));
                            }
                            return null;
                          }));
              assertFalse(Thread.currentThread().isInterrupted(), "no interrupt left behind");
              Baton.sleep(Duration.ofSeconds(5));
            });
  }

  // ---------------------------------------------------------------- timeout(0)

  @Test
  void zero_expiresAtTheFirstWait() throws Exception {
    // test_timeout_zero
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          assertThrows(
              TimeoutException.class,
              () ->
                  Baton.timeout(
                      Duration.ZERO,
                      () -> {
                        Baton.sleep(Duration.ofSeconds(10));
                        return null;
                      }));
          assertEquals(Duration.ZERO, loop.elapsed());
        });
  }

  @Test
  void zero_expiresAtAYieldToo() throws Exception {
    // test_timeout_zero_sleep_zero
    EventLoop.withVirtualTime()
        .run(
            () -> {
              assertThrows(
                  TimeoutException.class,
                  () ->
                      Baton.timeout(
                          Duration.ZERO,
                          () -> {
                            Baton.sleep(Duration.ZERO);
                            return null;
                          }));
            });
  }

  @Test
  void zero_aBodyThatNeverWaits_returnsNormally() throws Exception {
    // As asyncio.timeout(0) around code without an await: the expiry can only interrupt a wait.
    EventLoop.withVirtualTime()
        .run(
            () -> {
              assertEquals("quick", Baton.timeout(Duration.ZERO, () -> "quick"));
              assertFalse(Thread.currentThread().isInterrupted());
              Baton.sleep(Duration.ofSeconds(1)); // and the expiry does not hit a later wait
            });
  }

  // ---------------------------------------------------------------- nesting

  @Test
  void nested_sameDeadline_onlyTheOuterThrowsTimeoutException() throws Exception {
    // test_nested_timeouts
    EventLoop.withVirtualTime()
        .run(
            () -> {
              assertThrows(
                  TimeoutException.class,
                  () ->
                      Baton.timeout(
                          ms(10),
                          () -> {
                            try {
                              return Baton.timeout(
                                  ms(10),
                                  () -> {
                                    Baton.sleep(Duration.ofSeconds(10));
                                    return null;
                                  });
                            } catch (InterruptedException e) {
                              log("inner propagated the interrupt");
                              throw e;
                            }
                          }));
            });
    assertEquals(List.of("inner propagated the interrupt"), trace);
  }

  @Test
  void nested_innerExpiresFirst_theOuterCarriesOn() throws Exception {
    // test_nested_timeouts_concurrent (inner side)
    EventLoop loop = EventLoop.withVirtualTime();
    String r =
        loop.run(
            () ->
                Baton.timeout(
                    Duration.ofSeconds(10),
                    () -> {
                      assertThrows(
                          TimeoutException.class,
                          () ->
                              Baton.timeout(
                                  Duration.ofSeconds(1),
                                  () -> {
                                    Baton.sleep(HOUR);
                                    return null;
                                  }));
                      Baton.sleep(Duration.ofSeconds(2));
                      return "outer finished";
                    }));
    assertEquals("outer finished", r);
    assertEquals(Duration.ofSeconds(3), loop.elapsed());
  }

  @Test
  void nested_outerExpiresFirst_innerPropagatesTheInterrupt_outerThrowsTimeout() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          assertThrows(
              TimeoutException.class,
              () ->
                  Baton.timeout(
                      Duration.ofSeconds(1),
                      () -> {
                        try {
                          return Baton.timeout(
                              Duration.ofSeconds(10),
                              () -> {
                                Baton.sleep(HOUR);
                                return null;
                              });
                        } catch (TimeoutException wrong) {
                          log("inner claimed the outer's expiry");
                          throw wrong;
                        } catch (InterruptedException e) {
                          log("inner let the interrupt through");
                          throw e;
                        }
                      }));
          assertEquals(Duration.ofSeconds(1), loop.elapsed());
        });
    assertEquals(List.of("inner let the interrupt through"), trace);
  }

  @Test
  void nested_innerCaught_thenTheOuterExpiresDuringTheNextWait() throws Exception {
    // test_nested_timeouts_loop_busy
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          assertThrows(
              TimeoutException.class,
              () ->
                  Baton.timeout(
                      ms(100),
                      () -> {
                        assertThrows(
                            TimeoutException.class,
                            () ->
                                Baton.timeout(
                                    ms(10),
                                    () -> {
                                      Baton.sleep(Duration.ofSeconds(1));
                                      return null;
                                    }));
                        Baton.sleep(Duration.ofSeconds(10)); // cut short by the outer
                        return null;
                      }));
          assertEquals(ms(100), loop.elapsed());
        });
  }

  @Test
  void nested_aTimeoutInsideTheCleanupOfAnExpiredOne_isItsOwn() throws Exception {
    // test_nested_timeout_in_finally
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          assertThrows(
              TimeoutException.class,
              () ->
                  Baton.timeout(
                      ms(10),
                      () -> {
                        try {
                          Baton.sleep(Duration.ofSeconds(1));
                        } finally {
                          assertThrows(
                              TimeoutException.class,
                              () ->
                                  Baton.timeout(
                                      ms(10),
                                      () -> {
                                        Baton.sleep(Duration.ofSeconds(10));
                                        return null;
                                      }));
                          log("cleanup timed out on its own");
                        }
                        return null;
                      }));
          assertEquals(ms(20), loop.elapsed());
        });
    assertEquals(List.of("cleanup timed out on its own"), trace);
  }

  // ---------------------------------------------------------------- cancel versus timeout

  @Test
  void outsideCancel_duringATimeout_propagatesAsACancel() throws Exception {
    // test_foreign_cancel_doesnt_timeout_if_not_expired (cancelled by another task)
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Task<String> t =
              Baton.spawn(
                  () ->
                      Baton.timeout(
                          Duration.ofSeconds(10),
                          () -> {
                            Baton.sleep(HOUR);
                            return "slept";
                          }));
          AtomicReference<Throwable> seen = new AtomicReference<>();
          Task<Void> watcher =
              Baton.spawn(
                  () -> {
                    try {
                      t.join();
                    } catch (Throwable e) {
                      seen.set(e);
                    }
                  });
          Baton.sleep(Duration.ofSeconds(2));
          assertTrue(t.cancel());
          assertThrows(CancellationException.class, t::join);
          watcher.join();
          assertInstanceOf(CancellationException.class, seen.get());
          assertEquals(Duration.ofSeconds(2), loop.elapsed());
        });
  }

  @Test
  void outsideCancel_duringATimeout_bodySeesInterruptedException_notTimeout() throws Exception {
    // gh-102780: a cancel from outside must not be reported as the timeout's expiry
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Task<Void> t =
                  Baton.spawn(
                      () -> {
                        try {
                          Baton.timeout(
                              Duration.ofSeconds(10),
                              () -> {
                                Baton.sleep(HOUR);
                                return null;
                              });
                        } catch (TimeoutException e) {
                          log("TimeoutException");
                        } catch (InterruptedException e) {
                          log("InterruptedException");
                        }
                      });
              Baton.sleep(Duration.ofSeconds(2));
              t.cancel();
              assertThrows(CancellationException.class, t::join);
            });
    assertEquals(List.of("InterruptedException"), trace);
  }

  @Test
  void outsideCancel_atTheSameInstantAsTheExpiry_stillPropagatesAsACancel() throws Exception {
    // gh-102780: when the expiry and an outside cancel both reach the task, the cancel wins
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          AtomicReference<Task<Void>> target = new AtomicReference<>();
          // The canceller's timer is set first, so at t=5s it runs before the target resumes.
          Task<Void> canceller =
              Baton.spawn(
                  () -> {
                    Baton.sleep(Duration.ofSeconds(5));
                    target.get().cancel();
                  });
          target.set(
              Baton.spawn(
                  () -> {
                    try {
                      Baton.timeout(
                          Duration.ofSeconds(5),
                          () -> {
                            Baton.sleep(HOUR);
                            return null;
                          });
                    } catch (TimeoutException e) {
                      log("TimeoutException");
                    } catch (InterruptedException e) {
                      log("InterruptedException");
                    }
                  }));
          canceller.join();
          assertThrows(CancellationException.class, target.get()::join);
          assertEquals(Duration.ofSeconds(5), loop.elapsed());
        });
    assertEquals(List.of("InterruptedException"), trace);
  }

  @Test
  void selfCancel_insideATimeout_propagatesAsACancel() throws Exception {
    // test_foreign_cancel_doesnt_timeout_if_not_expired
    EventLoop.withVirtualTime()
        .run(
            () -> {
              AtomicReference<Task<Void>> self = new AtomicReference<>();
              Event started = new Event();
              self.set(
                  Baton.spawn(
                      () -> {
                        started.await();
                        assertThrows(
                            InterruptedException.class,
                            () ->
                                Baton.timeout(
                                    Duration.ofSeconds(10),
                                    () -> {
                                      self.get().cancel();
                                      Baton.sleep(Duration.ofSeconds(10));
                                      return null;
                                    }));
                        log("cancel propagated");
                      }));
              started.set();
              assertThrows(CancellationException.class, self.get()::join);
            });
    assertEquals(List.of("cancel propagated"), trace);
  }

  @Test
  void afterASwallowedCancel_aTimeoutInTheCleanupStillTimesOut() throws Exception {
    // test_timeout_after_cancellation (gh-102780): the task was cancelled and handled it; a
    // timeout entered afterwards expires as a timeout, not as that old cancel.
    EventLoop.withVirtualTime()
        .run(
            () -> {
              AtomicReference<Task<Void>> self = new AtomicReference<>();
              Event started = new Event();
              self.set(
                  Baton.spawn(
                      () -> {
                        started.await();
                        try {
                          self.get().cancel();
                          Baton.sleep(Duration.ofSeconds(1)); // work that is cancelled
                        } catch (InterruptedException handled) {
                          log("cancel handled");
                        } finally {
                          assertThrows(
                              TimeoutException.class,
                              () ->
                                  Baton.timeout(
                                      Duration.ZERO,
                                      () -> {
                                        Baton.sleep(Duration.ofSeconds(1)); // some cleanup
                                        return null;
                                      }));
                          log("cleanup timed out");
                        }
                      }));
              started.set();
              assertThrows(CancellationException.class, self.get()::join);
            });
    assertEquals(List.of("cancel handled", "cleanup timed out"), trace);
  }

  @Test
  void afterASwallowedCancel_aFreshInterruptInsideATimeoutPropagatesAsAnInterrupt()
      throws Exception {
    // test_cancel_in_timeout_after_cancellation. A Task is cancelled once (Future contract), so
    // the second cancellation request is a raw interrupt of the task's thread here.
    EventLoop.withVirtualTime()
        .run(
            () -> {
              AtomicReference<Task<Void>> self = new AtomicReference<>();
              Event started = new Event();
              self.set(
                  Baton.spawn(
                      () -> {
                        started.await();
                        try {
                          self.get().cancel();
                          Baton.sleep(Duration.ofSeconds(1));
                        } catch (InterruptedException handled) {
                          log("cancel handled");
                        } finally {
                          assertThrows(
                              InterruptedException.class,
                              () ->
                                  Baton.timeout(
                                      Duration.ofSeconds(1),
                                      () -> {
                                        Thread.currentThread().interrupt();
                                        Baton.sleep(Duration.ofSeconds(2));
                                        return null;
                                      }));
                          log("interrupt propagated");
                        }
                      }));
              started.set();
              assertThrows(CancellationException.class, self.get()::join);
            });
    assertEquals(List.of("cancel handled", "interrupt propagated"), trace);
  }

  // ---------------------------------------------------------------- swallowing the interrupt

  @Test
  void bodySwallowsTheInterrupt_returnsItsResult_andLeavesNothingBehind() throws Exception {
    // As asyncio: a body that handles the CancelledError and returns ends the block normally.
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          String r =
              Baton.timeout(
                  Duration.ofSeconds(1),
                  () -> {
                    try {
                      Baton.sleep(HOUR);
                      return "slept";
                    } catch (InterruptedException swallowed) {
                      return "swallowed";
                    }
                  });
          assertEquals("swallowed", r);
          assertFalse(Thread.currentThread().isInterrupted());
          Baton.sleep(Duration.ofSeconds(5)); // not interrupted by the spent expiry
          assertEquals(Duration.ofSeconds(6), loop.elapsed());
          // and a later timeout still recognises its own expiry
          assertThrows(
              TimeoutException.class,
              () ->
                  Baton.timeout(
                      Duration.ofSeconds(1),
                      () -> {
                        Baton.sleep(HOUR);
                        return null;
                      }));
          assertEquals(Duration.ofSeconds(7), loop.elapsed());
        });
  }

  @Test
  void bodySwallowsTheInterrupt_andWaitsAgain_theSecondWaitRunsItsCourse() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    String r =
        loop.run(
            () ->
                Baton.timeout(
                    Duration.ofSeconds(1),
                    () -> {
                      try {
                        Baton.sleep(HOUR);
                      } catch (InterruptedException swallowed) {
                        log("swallowed at " + loop.elapsed().toSeconds());
                      }
                      Baton.sleep(Duration.ofSeconds(5)); // the expiry fired once, not again
                      return "finished";
                    }));
    assertEquals("finished", r);
    assertEquals(List.of("swallowed at 1"), trace);
    assertEquals(Duration.ofSeconds(6), loop.elapsed());
  }

  // ---------------------------------------------------------------- elsewhere, and arguments

  @Test
  void offTheLoop_onAPlainThread_expiresOnTheRealClock() throws Exception {
    long t0 = System.nanoTime();
    assertThrows(
        TimeoutException.class,
        () ->
            Baton.timeout(
                ms(20),
                () -> {
                  Baton.sleep(Duration.ofSeconds(30));
                  return null;
                }));
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
    assertFalse(Thread.currentThread().isInterrupted());
    assertEquals("ok", Baton.timeout(Duration.ofSeconds(30), () -> "ok"));
  }

  @Test
  void badArguments_areRejected() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              assertThrows(
                  IllegalArgumentException.class,
                  () -> Baton.timeout(Duration.ofSeconds(-1), () -> 1));
              assertThrows(NullPointerException.class, () -> Baton.timeout(null, () -> 1));
              assertThrows(
                  NullPointerException.class, () -> Baton.timeout(Duration.ofSeconds(1), null));
            });
  }
}
