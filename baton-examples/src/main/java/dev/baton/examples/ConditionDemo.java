package dev.baton.examples;

import dev.baton.Baton;
import dev.baton.Condition;
import dev.baton.EventLoop;
import dev.baton.Held;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The article's {@code asyncio.Condition} program, ported as written, bug included: the signal is
 * lost.
 *
 * <pre>{@code
 * async def producer(condition):
 *     async with condition:
 *         print("Producer putting an item...")
 *         await asyncio.sleep(2)
 *         condition.notify()
 *
 * async def consumer(condition):
 *     async with condition:
 *         print("Consumer waiting for an item...")
 *         await condition.wait()
 *         print("Consumer received an item.")
 *
 * async def main():
 *     condition = asyncio.Condition()
 *     await asyncio.gather(producer(condition), consumer(condition))
 * }</pre>
 *
 * <p>The producer takes the condition's lock first and signals while the consumer is still queued
 * for that lock, not waiting on the condition; the signal wakes nobody. The consumer then waits for
 * a signal that never comes. CPython hangs forever after its two lines. Baton's loop sees that no
 * task is ready, no timer is pending and nothing outside can wake the consumer, and {@link #run}
 * throws a {@link dev.baton.DeadlockException} that names the consumer, the {@code Condition} and
 * the line below where it waits. {@link ConditionFixedDemo} is the correct pattern.
 */
public final class ConditionDemo {
  /** What CPython 3.11 prints for the program above before it hangs. */
  public static final List<String> CPYTHON_OUTPUT =
      List.of("Producer putting an item...", "Consumer waiting for an item...");

  private final PrintStream out;

  private ConditionDemo(PrintStream out) {
    this.out = out;
  }

  Void producer(Condition condition) throws InterruptedException {
    try (Held held = condition.hold()) {
      out.println("Producer putting an item...");
      Baton.sleep(Duration.ofSeconds(2));
      condition.signal();
    }
    return null;
  }

  Void consumer(Condition condition) throws InterruptedException {
    try (Held held = condition.hold()) {
      out.println("Consumer waiting for an item...");
      condition.await(); // the consumer is stuck here: the deadlock report points at this line
      out.println("Consumer received an item.");
    }
    return null;
  }

  void main() throws Exception {
    Condition condition = new Condition();
    Baton.gather(() -> producer(condition), () -> consumer(condition));
  }

  /**
   * Runs the program on {@code loop}, printing to {@code out}.
   *
   * @throws dev.baton.DeadlockException always, about 2 s of loop time in: the lost signal
   */
  public static void run(EventLoop loop, PrintStream out) throws Exception {
    loop.run(() -> new ConditionDemo(out).main());
  }

  /** Runs the program on a real-time loop; same as {@code ./baton demo condition}. */
  public static void main(String[] args) throws Exception {
    run(EventLoop.create(), System.out);
  }
}
