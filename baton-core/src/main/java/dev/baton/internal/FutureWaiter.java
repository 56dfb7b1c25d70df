package dev.baton.internal;

import java.util.concurrent.CompletableFuture;

/**
 * The async face: a request whose grant completes a {@link CompletableFuture} instead of waking a
 * thread. Completing the future by other means (cancel, {@code orTimeout}, {@code complete}) first
 * withdraws the request. If the grant had already been decided, the grant wins the waiter but the
 * future is already completed by the user, so the granted value is handed back to the primitive
 * ({@link GiveBack}) and passed to the next waiter: nothing is lost.
 */
public final class FutureWaiter<T> extends Waiter {
  /**
   * Returns a granted but unwanted value to the primitive (releases the permit, requeues the item).
   */
  public interface GiveBack {
    void giveBack(Waiter w);
  }

  private final Promise<T> future = new Promise<>(this);
  private final GiveBack giveBack;

  public FutureWaiter(GiveBack giveBack) {
    super(Thread.currentThread());
    this.giveBack = giveBack;
  }

  public CompletableFuture<T> future() {
    return future;
  }

  @Override
  @SuppressWarnings("unchecked")
  void resume() {
    if (state() == GRANTED) {
      if (!future.settle((T) value) && giveBack != null) {
        giveBack.giveBack(this);
      }
    } else {
      future.settleCancelled();
    }
  }

  /**
   * The future handed to the user. Any completion from outside withdraws the request first;
   * dependents ({@code thenApply} and so on) are plain futures.
   */
  static final class Promise<T> extends CompletableFuture<T> {
    private final FutureWaiter<T> waiter;

    Promise(FutureWaiter<T> waiter) {
      this.waiter = waiter;
    }

    boolean settle(T value) {
      return super.complete(value);
    }

    void settleCancelled() {
      super.cancel(false);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      WaitQueue.withdraw(waiter, Waiter.CANCELLED);
      return super.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean complete(T value) {
      WaitQueue.withdraw(waiter, Waiter.CANCELLED);
      return super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      WaitQueue.withdraw(waiter, Waiter.CANCELLED);
      return super.completeExceptionally(ex);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }
}
