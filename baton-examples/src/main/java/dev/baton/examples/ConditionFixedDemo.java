package dev.baton.examples;

import dev.baton.Baton;
import dev.baton.Condition;
import dev.baton.EventLoop;
import dev.baton.Held;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The article's {@code Condition} program done right: the producer changes shared state under the
 * lock and signals; the consumer waits for that state, not for the signal.
 *
 * <pre>{@code
 * async def producer(condition):
 *     global ready
 *     async with condition:
 *         print("Producer putting an item...")
 *         await asyncio.sleep(2)
 *         ready = True
 *         condition.notify()
 *
 * async def consumer(condition):
 *     async with condition:
 *         print("Consumer waiting for an item...")
 *         await condition.wait_for(lambda: ready)
 *         print("Consumer received an item.")
 * }</pre>
 *
 * <p>{@code awaitUntil} checks the predicate under the lock before it waits and after every
 * wake-up, so a signal sent before the consumer waits can no longer be lost: the state it announced
 * is still there. Compare {@link ConditionDemo}.
 */
public final class ConditionFixedDemo {
  /** What this program prints (CPython prints the same for the Python above). */
  public static final List<String> EXPECTED_OUTPUT =
      List.of(
          "Producer putting an item...",
          "Consumer waiting for an item...",
          "Consumer received an item.");

  private final PrintStream out;
  private boolean ready; // guarded by the condition's lock

  private ConditionFixedDemo(PrintStream out) {
    this.out = out;
  }

  Void producer(Condition condition) throws InterruptedException {
    try (Held held = condition.hold()) {
      out.println("Producer putting an item...");
      Baton.sleep(Duration.ofSeconds(2));
      ready = true;
      condition.signal();
    }
    return null;
  }

  Void consumer(Condition condition) throws InterruptedException {
    try (Held held = condition.hold()) {
      out.println("Consumer waiting for an item...");
      condition.awaitUntil(() -> ready);
      out.println("Consumer received an item.");
    }
    return null;
  }

  void main() throws Exception {
    Condition condition = new Condition();
    Baton.gather(() -> producer(condition), () -> consumer(condition));
  }

  /** Runs the program on {@code loop}, printing to {@code out}. */
  public static void run(EventLoop loop, PrintStream out) throws Exception {
    loop.run(() -> new ConditionFixedDemo(out).main());
  }

  /** Runs the program on a real-time loop; same as {@code ./baton demo condition-fixed}. */
  public static void main(String[] args) throws Exception {
    run(EventLoop.create(), System.out);
  }
}
