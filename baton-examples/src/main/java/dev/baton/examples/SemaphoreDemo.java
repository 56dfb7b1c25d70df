package dev.baton.examples;

import dev.baton.Baton;
import dev.baton.EventLoop;
import dev.baton.Semaphore;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The article's {@code asyncio.Semaphore} program: a semaphore of one permit lets one coroutine at
 * a time through.
 *
 * <pre>{@code
 * async def coroutine(semaphore):
 *     await semaphore.acquire()
 *     print("Acquired semaphore.")
 *     await asyncio.sleep(2)
 *     semaphore.release()
 *     print("Released semaphore.")
 *
 * async def main():
 *     semaphore = asyncio.Semaphore(1)
 *     await asyncio.gather(coroutine(semaphore), coroutine(semaphore))
 * }</pre>
 *
 * <p>The article calls {@code acquire()} and {@code release()} by hand, so this port does too (a
 * {@code try (Held held = semaphore.hold())} block would release also on an exception).
 */
public final class SemaphoreDemo {
  /** What CPython 3.11 prints for the program above. */
  public static final List<String> CPYTHON_OUTPUT =
      List.of(
          "Acquired semaphore.",
          "Released semaphore.",
          "Acquired semaphore.",
          "Released semaphore.");

  private final PrintStream out;

  private SemaphoreDemo(PrintStream out) {
    this.out = out;
  }

  Void coroutine(Semaphore semaphore) throws InterruptedException {
    semaphore.acquire();
    out.println("Acquired semaphore.");
    Baton.sleep(Duration.ofSeconds(2));
    semaphore.release();
    out.println("Released semaphore.");
    return null;
  }

  void main() throws Exception {
    Semaphore semaphore = new Semaphore(1);
    Baton.gather(() -> coroutine(semaphore), () -> coroutine(semaphore));
  }

  /** Runs the program on {@code loop}, printing to {@code out}. */
  public static void run(EventLoop loop, PrintStream out) throws Exception {
    loop.run(() -> new SemaphoreDemo(out).main());
  }

  /** Runs the program on a real-time loop; same as {@code ./baton demo semaphore}. */
  public static void main(String[] args) throws Exception {
    run(EventLoop.create(), System.out);
  }
}
