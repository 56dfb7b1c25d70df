package dev.baton;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Step numbering for deterministic tests, as kotlinx.coroutines' {@code expect(n)} / {@code
 * finish(n)}: every task calls {@link #expect} with the step it believes it is at, so the test
 * fails if the interleaving is not exactly the one written down.
 *
 * <p>A failure is also recorded, because an assertion that fails inside a task that is later
 * cancelled would otherwise vanish with that task; {@link #finish} rethrows it.
 */
final class Steps {
  private final AtomicInteger at = new AtomicInteger();
  private volatile Throwable failure;

  /** Asserts that this is step {@code step}: exactly one step after the previous one. */
  void expect(int step) {
    int actual = at.incrementAndGet();
    if (actual != step) {
      fail("expected step " + step + " but this is step " + actual);
    }
  }

  /** Marks code that must not run. */
  void unreached(String what) {
    fail("must not be reached: " + what);
  }

  /** Asserts a condition inside a task, recording the failure even if the task is cancelled. */
  void check(boolean condition, String what) {
    if (!condition) {
      fail("check failed: " + what);
    }
  }

  /** The last step, run after every task is done: asserts it and that nothing failed. */
  void finish(int step) {
    expect(step);
    Throwable f = failure;
    if (f != null) {
      throw new AssertionError(f.getMessage(), f);
    }
  }

  private void fail(String message) {
    AssertionError e = new AssertionError(message);
    if (failure == null) {
      failure = e;
    }
    throw e;
  }
}
