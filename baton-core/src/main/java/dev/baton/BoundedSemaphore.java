package dev.baton;

/**
 * A {@link Semaphore} that refuses to be released above its initial value: {@code
 * asyncio.BoundedSemaphore}. An extra release is a bug (a permit given back twice), and it is
 * reported where it happens instead of silently letting one more task in later.
 *
 * <pre>{@code
 * BoundedSemaphore pool = new BoundedSemaphore(2);
 * pool.acquire();
 * pool.release();
 * pool.release();   // IllegalStateException; the semaphore is unchanged
 * }</pre>
 *
 * <p>Async use is the same as {@link Semaphore#acquireAsync()}.
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
