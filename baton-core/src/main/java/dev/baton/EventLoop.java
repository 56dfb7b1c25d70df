package dev.baton;

import dev.baton.internal.Args;
import dev.baton.internal.Fiber;
import dev.baton.internal.Loop;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * A deterministic single-threaded event loop: asyncio's model on virtual threads.
 *
 * <p>It is asyncio's event loop as {@link Baton#run} uses it, with two additions: a virtual clock
 * ({@link #withVirtualTime()}, as Trio's autojumping {@code MockClock}) for tests, and deadlock
 * detection where asyncio hangs. Unlike asyncio, primitives are not bound to a loop.
 *
 * {@snippet class=dev.baton.snippets.Snippets region=eventloop-blocking}
 *
 * <p>{@link #run} blocks the calling thread until the program ends; there is no {@code
 * CompletableFuture} face.
 *
 * <h2>Scheduling</h2>
 *
 * Exactly one task runs at a time. A task runs until it waits (a primitive, {@link Baton#sleep},
 * {@link Baton#yieldNow}, joining a task); then the next ready task runs, in FIFO order. Waking a
 * task makes it ready but does not switch: the waker runs on to its own next wait. The same program
 * therefore produces the same interleaving every time. Blocking by other means ({@code
 * Thread.sleep}, JDBC, {@code synchronized}) holds the loop, as a blocking call holds asyncio's;
 * {@link Baton#toThread} runs such work off the loop.
 *
 * <h2>Clocks</h2>
 *
 * {@link #create()} uses the real clock. {@link #withVirtualTime()} uses a virtual one that stands
 * still while tasks run and jumps straight to the next timer when no task is ready (and no {@code
 * toThread} work is in flight), so tests full of sleeps and timeouts finish in milliseconds, in the
 * same order.
 *
 * <h2>Deadlocks</h2>
 *
 * When no task is ready, no timer is pending, no {@code toThread} work runs, and every waiting task
 * waits on a primitive no thread outside the loop has used, nothing can ever wake them: {@link
 * #run} cancels them (their {@code finally} blocks run) and throws {@link DeadlockException}, where
 * asyncio would hang. The loop knows a primitive can be woken from outside once a thread outside
 * the loop has used it; a thread that will release a primitive it has never touched cannot be
 * foreseen, and hand-offs of that kind belong in {@link Baton#toThread}, which the loop waits for.
 *
 * <h2>Run modes</h2>
 *
 * A loop is the deterministic run mode; {@link Baton#runParallel} is the other. Primitives are not
 * bound to a loop: a task of the loop may wait on a {@link Lock} that a platform thread releases;
 * the loop wakes up for it.
 *
 * <h2>Carrier threads</h2>
 *
 * A loop's tasks are virtual threads on the JDK's scheduler. On a machine with several cores that
 * scheduler wakes a second carrier at each hand-over of the baton, which roughly doubles the cost
 * of a task switch. Run with {@code -Dbaton.carrier=loop} and {@code --add-opens
 * java.base/java.lang=ALL-UNNAMED} (or {@code =dev.baton} on the module path) to give each running
 * loop one carrier thread of its own; the JDK offers this only through a non-public constructor, so
 * it is opt-in. Without the opening, Baton says so once on standard error and uses the default.
 */
public final class EventLoop {
  private final Loop loop;

  private EventLoop(boolean virtualTime) {
    this.loop = new Loop(virtualTime);
  }

  /**
   * A loop on the real clock.
   *
   * @return a new loop
   */
  public static EventLoop create() {
    return new EventLoop(false);
  }

  /**
   * A loop on a virtual clock that jumps to the next timer whenever no task is ready.
   *
   * @return a new loop
   */
  public static EventLoop withVirtualTime() {
    return new EventLoop(true);
  }

  /**
   * Runs {@code main} as the loop's first task until it and every task it left behind have finished
   * (tasks still alive when {@code main} returns are cancelled first).
   *
   * @param main the first task
   * @param <T> the result type
   * @return what {@code main} returned
   * @throws DeadlockException if the tasks deadlocked
   * @throws IllegalStateException if this loop is already running, or if called from a task of a
   *     running loop
   * @throws Exception what {@code main} threw, unwrapped
   */
  public <T> T run(Callable<T> main) throws Exception {
    Args.notNull(main, "main");
    Fiber f = loop.run(main, "main");
    @SuppressWarnings("unchecked")
    T r = (T) f.outcome();
    return r;
  }

  /**
   * Runs {@code main}; see {@link #run(Callable)}.
   *
   * @param main the first task
   * @throws Exception what {@code main} threw, unwrapped
   */
  public void run(Body main) throws Exception {
    Args.notNull(main, "main");
    run(Baton.callable(main));
  }

  /**
   * Time on this loop's clock since {@link #run} started; after {@code run} returns, its final
   * value.
   *
   * @return the elapsed loop time
   */
  public Duration elapsed() {
    return Duration.ofNanos(loop.elapsedNanos());
  }

  /**
   * Whether this loop uses virtual time.
   *
   * @return {@code true} for {@link #withVirtualTime()}
   */
  public boolean isVirtualTime() {
    return loop.virtualTime();
  }
}
