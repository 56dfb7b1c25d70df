package dev.baton.examples;

import dev.baton.Baton;
import dev.baton.EventLoop;
import dev.baton.Held;
import dev.baton.Lock;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The article's {@code asyncio.Lock} program: two copies of one coroutine take turns in a critical
 * section.
 *
 * <pre>{@code
 * async def coroutine(lock):
 *     print("Coroutine trying to acquire the lock...")
 *     async with lock:
 *         print("Lock acquired.")
 *         await asyncio.sleep(2)
 *     print("Lock released.")
 *
 * async def main():
 *     lock = asyncio.Lock()
 *     await asyncio.gather(coroutine(lock), coroutine(lock))
 * }</pre>
 *
 * <p>{@code async with lock:} is {@code try (Held held = lock.hold())}.
 */
public final class LockDemo {
  /** What CPython 3.11 prints for the program above. */
  public static final List<String> CPYTHON_OUTPUT =
      List.of(
          "Coroutine trying to acquire the lock...",
          "Lock acquired.",
          "Coroutine trying to acquire the lock...",
          "Lock released.",
          "Lock acquired.",
          "Lock released.");

  private final PrintStream out;

  private LockDemo(PrintStream out) {
    this.out = out;
  }

  Void coroutine(Lock lock) throws InterruptedException {
    out.println("Coroutine trying to acquire the lock...");
    try (Held held = lock.hold()) {
      out.println("Lock acquired.");
      Baton.sleep(Duration.ofSeconds(2));
    }
    out.println("Lock released.");
    return null;
  }

  void main() throws Exception {
    Lock lock = new Lock();
    Baton.gather(() -> coroutine(lock), () -> coroutine(lock));
  }

  /** Runs the program on {@code loop}, printing to {@code out}. */
  public static void run(EventLoop loop, PrintStream out) throws Exception {
    loop.run(() -> new LockDemo(out).main());
  }

  /** Runs the program on a real-time loop; same as {@code ./baton demo lock}. */
  public static void main(String[] args) throws Exception {
    run(EventLoop.create(), System.out);
  }
}
