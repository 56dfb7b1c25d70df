package dev.baton.examples;

import dev.baton.Baton;
import dev.baton.Event;
import dev.baton.EventLoop;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The article's {@code asyncio.Event} program: {@code coroutine_1} waits until {@code coroutine_2}
 * has done its work and set the event.
 *
 * <pre>{@code
 * async def coroutine_1(event):
 *     print("Coroutine 1 is waiting...")
 *     await event.wait()
 *     print("Coroutine 1 resumed.")
 *
 * async def coroutine_2(event):
 *     print("Coroutine 2 is doing some work...")
 *     await asyncio.sleep(2)
 *     event.set()
 *     print("Coroutine 2 finished its work.")
 *
 * async def main():
 *     event = asyncio.Event()
 *     await asyncio.gather(coroutine_1(event), coroutine_2(event))
 * }</pre>
 *
 * <p>{@code set()} makes the waiter ready but does not switch to it, so coroutine 2 prints its last
 * line before coroutine 1 resumes, as under CPython.
 */
public final class EventDemo {
  /** What CPython 3.11 prints for the program above. */
  public static final List<String> CPYTHON_OUTPUT =
      List.of(
          "Coroutine 1 is waiting...",
          "Coroutine 2 is doing some work...",
          "Coroutine 2 finished its work.",
          "Coroutine 1 resumed.");

  private final PrintStream out;

  private EventDemo(PrintStream out) {
    this.out = out;
  }

  Void coroutine1(Event event) throws InterruptedException {
    out.println("Coroutine 1 is waiting...");
    event.await();
    out.println("Coroutine 1 resumed.");
    return null;
  }

  Void coroutine2(Event event) throws InterruptedException {
    out.println("Coroutine 2 is doing some work...");
    Baton.sleep(Duration.ofSeconds(2));
    event.set();
    out.println("Coroutine 2 finished its work.");
    return null;
  }

  void main() throws Exception {
    Event event = new Event();
    Baton.gather(() -> coroutine1(event), () -> coroutine2(event));
  }

  /** Runs the program on {@code loop}, printing to {@code out}. */
  public static void run(EventLoop loop, PrintStream out) throws Exception {
    loop.run(() -> new EventDemo(out).main());
  }

  /** Runs the program on a real-time loop; same as {@code ./baton demo event}. */
  public static void main(String[] args) throws Exception {
    run(EventLoop.create(), System.out);
  }
}
