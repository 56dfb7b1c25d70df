package dev.baton;

/**
 * Proof that a lock or permit is held; closing it releases what it holds, exactly once.
 *
 * <p>{@code Held} is what {@code async with lock:} becomes in Java: a try-with-resources guard,
 * from {@link Lock#hold()}, {@link Semaphore#hold()} or {@link Condition#hold()}.
 *
 * {@snippet class=dev.baton.snippets.Snippets region=held-blocking}
 *
 * <p>The futures of {@link Lock#acquireAsync()}, {@link Semaphore#acquireAsync()} and {@link
 * Condition#awaitAsync()} complete with a {@code Held}, which may be closed from any thread, for
 * example by whichever thread completes the work done under the lock:
 *
 * {@snippet class=dev.baton.snippets.Snippets region=held-async}
 *
 * <p>A second {@link #close()} does nothing.
 */
public interface Held extends AutoCloseable {
  /** Releases what this guard holds; does nothing if it was already closed. Never throws. */
  @Override
  void close();
}
