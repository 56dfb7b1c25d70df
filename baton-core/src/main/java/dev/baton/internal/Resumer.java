package dev.baton.internal;

/**
 * Resumes settled waiters outside any guard, as a per-thread trampoline.
 *
 * <p>Resuming a {@link FutureWaiter} completes a future, which runs its dependent callbacks on this
 * thread; a callback may release another primitive, whose resumes would otherwise nest one stack
 * frame deeper per link of the chain. While a thread is already resuming, further resumes are
 * appended to its list and run by the outermost call, in order.
 */
final class Resumer {
  private static final ThreadLocal<Resumer> ACTIVE = new ThreadLocal<>();

  private Waiter head;
  private Waiter tail;

  private Resumer() {}

  /** Resumes {@code first} and every waiter linked after it through {@code nextToResume}. */
  static void resumeAll(Waiter first) {
    if (first.nextToResume == null && !(first instanceof FutureWaiter)) {
      first.resume(); // the common case: one thread or task to wake; no user code runs, no nesting
      return;
    }
    Resumer active = ACTIVE.get();
    if (active != null) {
      active.append(first);
      return;
    }
    Resumer r = new Resumer();
    r.append(first);
    ACTIVE.set(r);
    try {
      Waiter w;
      while ((w = r.head) != null) {
        r.head = w.nextToResume;
        if (r.head == null) {
          r.tail = null;
        }
        w.nextToResume = null;
        w.resume();
      }
    } finally {
      ACTIVE.remove();
    }
  }

  private void append(Waiter first) {
    Waiter last = first;
    while (last.nextToResume != null) {
      last = last.nextToResume;
    }
    if (tail == null) {
      head = first;
    } else {
      tail.nextToResume = first;
    }
    tail = last;
  }
}
