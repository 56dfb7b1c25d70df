package dev.baton;

/**
 * A {@link Semaphore} that refuses to be released above its initial value: {@code
 * asyncio.BoundedSemaphore}.
 *
 * <p>An extra release is a bug (a permit given back twice), and it is reported where it happens
 * instead of silently letting one more task in later. asyncio raises {@code ValueError}; this
 * throws {@link IllegalStateException} and leaves the semaphore unchanged.
 *
 * {@snippet class=dev.baton.snippets.Snippets region=boundedsemaphore-blocking}
 *
 * <p>The non-blocking face is {@link Semaphore#acquireAsync()}. Its {@link Held} releases once,
 * however often it is closed, so guards cannot trip the bound:
 *
 * {@snippet class=dev.baton.snippets.Snippets region=boundedsemaphore-async}
 *
 * <p>Fairness, cancellation and timeouts, memory consistency and run modes are those of {@link
 * Semaphore}.
 */
public class BoundedSemaphore extends Semaphore {
  private final int initial;

  /**
   * Creates a bounded semaphore.
   *
   * @param permits the initial and largest number of permits; must not be negative
   * @throws IllegalArgumentException if {@code permits} is negative
   */
  public BoundedSemaphore(int permits) {
    super(permits);
    this.initial = permits;
  }

  /**
   * The initial number of permits, which is also the most this semaphore can hold.
   *
   * @return the bound
   */
  public int bound() {
    return initial;
  }

  @Override
  void checkRelease(int free) {
    if (free >= initial) {
      throw new IllegalStateException(
          "BoundedSemaphore released too many times: it already has all " + initial + " permits");
    }
  }
}
