package dev.baton;

import dev.baton.internal.Args;
import dev.baton.internal.Diagnosable;
import dev.baton.internal.Fiber;
import dev.baton.internal.FutureWaiter;
import dev.baton.internal.WaitQueue;
import dev.baton.internal.Waiter;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * A meeting point where a fixed number of tasks wait until all of them have arrived, then all go on
 * together, cycle after cycle: {@code asyncio.Barrier}.
 *
 * {@snippet class=dev.baton.snippets.Snippets region=barrier-blocking}
 *
 * <p>The non-blocking face completes a future with the arrival index instead:
 *
 * {@snippet class=dev.baton.snippets.Snippets region=barrier-async}
 *
 * <h2>Semantics</h2>
 *
 * The barrier <em>fills</em> until {@link #parties()} parties wait; the arrival that completes the
 * set <em>trips</em> it: every waiting party is released at once (direct hand-off, in the same
 * atomic step) and each {@code await} returns its arrival index, {@code 0} for the first to arrive
 * and {@code parties - 1} for the one that tripped it. The barrier then <em>drains</em>: until
 * every released party has left its {@code await}, a party that comes back for the next cycle waits
 * for the drain to finish before it counts, so cycles never mix. Then it fills again.
 *
 * <p>{@link #reset()} breaks the parties waiting in the current cycle (their {@code await} throws
 * {@link BrokenBarrierException}) and leaves the barrier filling again, once they have left. {@link
 * #abort()} breaks every waiting party and every later arrival until {@link #reset()}.
 *
 * <h2>Differences from asyncio</h2>
 *
 * <ul>
 *   <li><b>A trip is a hand-off.</b> Parties released by a trip pass even if {@code abort()} or
 *       {@code reset()} comes before they have resumed; asyncio breaks those that have not run yet
 *       (so does {@code threading.Barrier}; {@link java.util.concurrent.CyclicBarrier} does as
 *       Baton).
 *   <li><b>Indices are exact.</b> Indices are given at the trip, in arrival order among the parties
 *       still waiting, so each of {@code 0..parties-1} is returned exactly once per cycle even
 *       after a waiter was cancelled; asyncio numbers at arrival and can repeat an index then.
 *   <li><b>Timeouts.</b> {@link #await(Duration)} is {@code asyncio.wait_for(barrier.wait(), t)}:
 *       on expiry the waiter leaves as if cancelled, the barrier is not broken, and it throws
 *       {@link TimeoutException}. ({@code CyclicBarrier} breaks the barrier on a timeout.)
 *   <li>The barrier belongs to no loop; there is no {@code async with} form (use the index).
 * </ul>
 *
 * <h2>Fairness</h2>
 *
 * Waiting parties are numbered in arrival order, whichever face they used. Parties that arrive
 * while the barrier drains or resets are admitted to the next cycle when it ends: those that used
 * {@link #awaitAsync()} at once, in arrival order, the others as they resume.
 *
 * <h2>Cancellation and timeouts</h2>
 *
 * A blocking {@code await} called with the interrupt status set throws {@link InterruptedException}
 * at once. An interrupt, {@link Task#cancel()}, an expired timeout or cancelling the future of
 * {@link #awaitAsync()} withdraws a filling party: it no longer counts, and the barrier is not
 * broken (asyncio's behaviour). One atomic step decides between the trip and the withdrawal: if the
 * trip came first, the party passes and returns its index (a blocking caller keeps its interrupt
 * status; a cancel of the future returns {@code false} and the future holds the index).
 *
 * <h2>Memory consistency</h2>
 *
 * Actions of every party before its {@code await} happen-before the actions of every party of the
 * same cycle after its {@code await} returns.
 *
 * <p>Works on the event loop, on any thread, and from future callbacks; belongs to no loop.
 */
public final class Barrier {
  /** The phase a {@link Barrier} is in, as asyncio names them. */
  public enum State {
    /** Parties are arriving; the barrier trips when the last one comes. */
    FILLING,
    /** The barrier tripped; new arrivals wait until every released party has left. */
    DRAINING,
    /** {@link #reset()} broke the waiting parties; new arrivals wait until they have left. */
    RESETTING,
    /** {@link #abort()} was called; every arrival fails until {@link #reset()}. */
    BROKEN
  }

  /** The grant a party gets when the drain it waited for is over: arrive again. */
  private static final Object RETRY = new Object();

  /** {@link Waiter#kind} of a blocking party that counts in {@link #draining} until it leaves. */
  private static final int COUNTED = 1;

  private final int parties;
  private final WaitQueue queue;

  /*
   * Invariants, under the guard:
   *  - FILLING: every queued waiter is an arrival, fewer than `parties` of them; draining == 0.
   *  - DRAINING / RESETTING: every queued waiter arrived during the drain and does not count yet;
   *    draining > 0. When it reaches 0 the barrier fills again: blocking waiters are granted RETRY
   *    and arrive anew when they run (asyncio's tasks re-check when they run), async ones become
   *    arrivals in place.
   *  - BROKEN: nobody is queued; arrivals fail at once.
   */
  private volatile State state = State.FILLING;

  /** Released or broken parties (blocking faces) that have not left their await yet. */
  private int draining;

  /**
   * Creates a barrier for {@code parties} parties.
   *
   * @param parties how many parties each cycle waits for; at least 1
   * @throws IllegalArgumentException if {@code parties} is less than 1
   */
  public Barrier(int parties) {
    this.parties = Args.positive(parties, "parties");
    this.queue = new WaitQueue(new Diagnostics());
  }

  /**
   * Waits until {@link #parties()} parties wait, then returns this party's arrival index.
   *
   * @return the arrival index, from {@code 0} (first) to {@code parties - 1} (the one that tripped
   *     the barrier)
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   *     (the party was withdrawn; the barrier is not broken)
   * @throws BrokenBarrierException if the barrier is broken ({@link #abort()}) or was reset or
   *     aborted while this party waited
   */
  public int await() throws InterruptedException, BrokenBarrierException {
    return arrive(-1);
  }

  /**
   * Like {@link #await()}, but gives up after {@code timeout}: the party is then withdrawn as if
   * cancelled and the barrier is not broken.
   *
   * @param timeout how long to wait
   * @return the arrival index
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   * @throws BrokenBarrierException if the barrier is broken or was reset or aborted while waiting
   * @throws TimeoutException if the timeout passed before the barrier tripped
   */
  public int await(Duration timeout)
      throws InterruptedException, BrokenBarrierException, TimeoutException {
    long nanos = Args.nanos(timeout, "timeout");
    int index = arrive(nanos);
    if (index < 0) {
      throw new TimeoutException("the Barrier did not trip within " + timeout);
    }
    return index;
  }

  /**
   * Arrives without blocking. The future completes with the arrival index when the barrier trips,
   * or exceptionally with {@link BrokenBarrierException} if it is broken, reset or aborted first.
   * Cancelling the future before the trip withdraws the party without breaking the barrier.
   *
   * @return a future of the arrival index
   */
  public CompletableFuture<Integer> awaitAsync() {
    queue.touch();
    FutureWaiter<Integer> w = FutureWaiter.keepingGrant();
    queue.lock();
    try {
      State s = state;
      if (s == State.BROKEN) {
        return CompletableFuture.failedFuture(new BrokenBarrierException(brokenMessage()));
      }
      if (s == State.FILLING && queue.size() + 1 == parties) {
        trip(parties - 1);
        return CompletableFuture.completedFuture(parties - 1);
      }
      queue.enqueue(w);
    } finally {
      queue.unlock();
    }
    return w.future();
  }

  /**
   * Breaks the parties waiting in the current cycle and makes the barrier fill again once they have
   * left; also repairs a barrier broken by {@link #abort()}. Parties already released by a trip are
   * not affected.
   */
  public void reset() {
    queue.touch();
    queue.lock();
    try {
      switch (state) {
        case FILLING -> {
          breakAll(true, "the Barrier was reset while this party waited");
          state = draining > 0 ? State.RESETTING : State.FILLING;
        }
        case DRAINING -> state = State.RESETTING;
        case RESETTING -> {}
        case BROKEN -> state = draining > 0 ? State.RESETTING : State.FILLING;
      }
    } finally {
      queue.unlock();
    }
  }

  /**
   * Breaks the barrier: every waiting party and every later arrival throws {@link
   * BrokenBarrierException}, until {@link #reset()}.
   */
  public void abort() {
    queue.touch();
    queue.lock();
    try {
      if (state == State.BROKEN) {
        return;
      }
      breakAll(state == State.FILLING, "the Barrier was aborted while this party waited");
      state = State.BROKEN;
    } finally {
      queue.unlock();
    }
  }

  /**
   * Whether the barrier is broken by {@link #abort()}.
   *
   * @return whether it is broken
   */
  public boolean isBroken() {
    return state == State.BROKEN;
  }

  /**
   * The number of parties each cycle waits for.
   *
   * @return the parties
   */
  public int parties() {
    return parties;
  }

  /**
   * The number of parties waiting in the filling cycle ({@code n_waiting}); {@code 0} while the
   * barrier drains, resets or is broken.
   *
   * @return the waiting parties
   */
  public int waiting() {
    queue.lock();
    try {
      return state == State.FILLING ? queue.size() : 0;
    } finally {
      queue.unlock();
    }
  }

  /**
   * The phase the barrier is in.
   *
   * @return the state
   */
  public State state() {
    return state;
  }

  /**
   * A snapshot of this barrier's state.
   *
   * @return the statistics
   */
  public Statistics statistics() {
    queue.lock();
    try {
      State s = state;
      return new Statistics(
          s, parties, s == State.FILLING ? queue.size() : 0, s == State.FILLING ? 0 : queue.size());
    } finally {
      queue.unlock();
    }
  }

  /**
   * A snapshot of a {@link Barrier}.
   *
   * @param state the phase
   * @param parties the parties per cycle
   * @param waiting parties waiting in the filling cycle
   * @param blocked parties that arrived while it drained or reset, waiting for the next cycle
   */
  public record Statistics(State state, int parties, int waiting, int blocked) {}

  @Override
  public String toString() {
    Statistics s = statistics();
    return "Barrier["
        + s.state().name().toLowerCase(java.util.Locale.ROOT)
        + ", waiting="
        + s.waiting()
        + "/"
        + s.parties()
        + "]";
  }

  // ---------------------------------------------------------------- internals

  /** Arrives and waits; returns the index, or -1 if {@code nanos} (not negative) passed first. */
  private int arrive(long nanos) throws InterruptedException, BrokenBarrierException {
    queue.enterWait();
    final long start = nanos > 0 ? now() : 0L;
    long remaining = nanos;
    for (; ; ) {
      Waiter w;
      queue.lock();
      try {
        State s = state;
        if (s == State.BROKEN) {
          throw new BrokenBarrierException(brokenMessage());
        }
        if (s == State.FILLING && queue.size() + 1 == parties) {
          trip(parties - 1);
          return parties - 1;
        }
        if (remaining == 0) {
          return -1;
        }
        w = Waiter.forCurrentThread();
        queue.enqueue(w);
      } finally {
        queue.unlock();
      }
      if (!w.block(remaining, true)) {
        return -1;
      }
      Object v = w.value;
      if (v == RETRY) {
        // The drain ended; arrive again, now, as an asyncio task re-checks when it runs. The retry
        // carried nothing, so a cancel that raced with it is honoured here.
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        if (nanos > 0) {
          remaining = Math.max(0L, nanos - (now() - start));
        }
        continue;
      }
      if (w.kind == COUNTED) {
        leave();
      }
      if (v instanceof FutureWaiter.Failure f) {
        throw new BrokenBarrierException(f.cause().getMessage());
      }
      return (Integer) v;
    }
  }

  /** Under the guard, FILLING: releases the first {@code n} waiters with indices 0..n-1. */
  private void trip(int n) {
    for (int i = 0; i < n; i++) {
      Waiter h = queue.head();
      h.value = i;
      if (!(h instanceof FutureWaiter)) {
        h.kind = COUNTED; // a blocking party leaves when it resumes; a future has left already
        draining++;
      }
      queue.grant(h);
    }
    state = draining > 0 ? State.DRAINING : State.FILLING;
  }

  /** A released or broken blocking party has left its await. */
  private void leave() {
    queue.lock();
    try {
      if (--draining == 0 && (state == State.DRAINING || state == State.RESETTING)) {
        endDrain();
      }
    } finally {
      queue.unlock();
    }
  }

  /** Under the guard: the drain is over; fill again with the parties that arrived meanwhile. */
  private void endDrain() {
    state = State.FILLING;
    if (queue.isEmpty()) {
      return;
    }
    for (Waiter w : queue.snapshot()) {
      if (!(w instanceof FutureWaiter)) {
        w.value = RETRY;
        queue.grant(w);
      }
    }
    while (queue.size() >= parties) {
      trip(parties); // futures only: nothing to drain, so the barrier stays FILLING
    }
  }

  /** Under the guard: fails every queued waiter; {@code counted}: they count in the drain. */
  private void breakAll(boolean counted, String why) {
    Waiter h;
    while ((h = queue.head()) != null) {
      h.value = new FutureWaiter.Failure(new BrokenBarrierException(why));
      if (counted && !(h instanceof FutureWaiter)) {
        h.kind = COUNTED;
        draining++;
      }
      queue.grant(h);
    }
  }

  private static String brokenMessage() {
    return "the Barrier is broken: abort() was called; reset() repairs it";
  }

  /** The caller's clock: its loop's (virtual time included) or the system's. */
  private static long now() {
    Fiber f = Fiber.current();
    return f != null && f.loop != null ? f.loop.now() : System.nanoTime();
  }

  private final class Diagnostics implements Diagnosable {
    @Override
    public String kind() {
      return "Barrier";
    }

    @Override
    public String describe() {
      State s = state;
      return s.name().toLowerCase(java.util.Locale.ROOT)
          + ", "
          + (s == State.FILLING ? queue.size() + " of " + parties + " parties waiting" : "")
          + (s == State.FILLING ? "" : queue.size() + " waiting for the next cycle");
    }
  }
}
