package dev.baton;

import dev.baton.internal.Args;
import dev.baton.internal.Diagnosable;
import dev.baton.internal.Gate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A flag that tasks wait to see set: {@code asyncio.Event}.
 *
 * <p>As asyncio's: {@link #set()} wakes every task waiting at that moment, and {@link #await()} on
 * a set event returns at once. Unlike asyncio's, an event belongs to no loop and has a timed wait
 * and a {@code CompletableFuture} face.
 *
 * {@snippet class=dev.baton.snippets.Snippets region=event-blocking}
 *
 * <p>The non-blocking face parks nothing:
 *
 * {@snippet class=dev.baton.snippets.Snippets region=event-async}
 *
 * <h2>Fairness</h2>
 *
 * {@code set()} releases every current waiter, whichever face it used. {@code set(); clear();}
 * before the waiters run still releases each of them exactly once: a waiter is released by the
 * {@code set()} itself, not by finding the flag still set when it runs.
 *
 * <h2>Cancellation and timeouts</h2>
 *
 * {@link #await()} called with the interrupt status set throws {@link InterruptedException} at
 * once, even on a set event. An interrupt or {@link Task#cancel()} while waiting withdraws the
 * waiter; {@link #await(Duration)} returns {@code false} if the deadline passes first; cancelling
 * the future of {@link #awaitAsync()} withdraws it. If the {@code set()} came first, the wait
 * returns normally and the interrupt status stays set.
 *
 * <h2>Memory consistency</h2>
 *
 * Actions before {@code set()} happen-before the actions after an {@code await} that returns
 * because of it.
 *
 * <h2>Run modes</h2>
 *
 * Works on the event loop, in parallel, on any thread, and from future callbacks; belongs to no
 * loop.
 */
public final class Event {
  private final Gate gate =
      new Gate(
          new Diagnosable() {
            @Override
            public String kind() {
              return "Event";
            }

            @Override
            public String describe() {
              return isSet() ? "set" : "not set";
            }

            @Override
            public String lostSignalAdvice() {
              return "an Event that is cleared again must be awaited before the set(), or checked"
                  + " with isSet()";
            }
          },
          true);

  /** Creates an event that is not set. */
  public Event() {}

  /** Sets the flag and wakes every task waiting for it. Setting a set event does nothing. */
  public void set() {
    gate.open();
  }

  /** Clears the flag; later waits wait again. Waiters already released stay released. */
  public void clear() {
    gate.close();
  }

  /**
   * Whether the flag is set.
   *
   * @return whether the flag is set
   */
  public boolean isSet() {
    return gate.isOpen();
  }

  /**
   * Waits until the flag is set; returns at once if it is.
   *
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   */
  public void await() throws InterruptedException {
    gate.await(-1);
  }

  /**
   * Waits until the flag is set, at most {@code timeout}.
   *
   * @param timeout how long to wait
   * @return {@code true} if the flag was set, {@code false} if the timeout passed first
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   */
  public boolean await(Duration timeout) throws InterruptedException {
    return gate.await(Args.nanos(timeout, "timeout"));
  }

  /**
   * A future that completes when the flag is set (at once if it is). Cancelling it withdraws the
   * request.
   *
   * @return the future
   */
  public CompletableFuture<Void> awaitAsync() {
    return gate.awaitAsync();
  }

  /**
   * A snapshot of this event's state.
   *
   * @return the statistics
   */
  public Statistics statistics() {
    return new Statistics(isSet(), gate.waiting());
  }

  /**
   * A snapshot of an {@link Event}.
   *
   * @param set whether the flag was set
   * @param waiting how many requests waited
   */
  public record Statistics(boolean set, int waiting) {}

  @Override
  public String toString() {
    Statistics s = statistics();
    return "Event[" + (s.set() ? "set" : "unset") + ", waiting=" + s.waiting() + "]";
  }
}
