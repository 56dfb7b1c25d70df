package dev.baton.internal;

import java.util.concurrent.CompletableFuture;

/**
 * The async face: a request whose grant completes a {@link CompletableFuture} instead of waking a
 * thread. Completing the future by other means (cancel, {@code orTimeout}, {@code complete}) first
 * withdraws the request. If the grant had already been decided, the grant wins the waiter but the
 * future is already completed by the user, so the granted value is handed back to the primitive
 * ({@link GiveBack}) and passed to the next waiter: nothing is lost.
 *
 * <p>Two variations serve primitives whose grant cannot be handed back. A grant whose value is a
 * {@link Failure} completes the future exceptionally (a broken barrier, a shut-down queue). A
 * waiter made by {@link #keepingGrant()} lets the grant win over a later completion by the user, as
 * the blocking faces do: if the grant was decided first, {@code cancel} and {@code complete*}
 * settle the future with the granted outcome and return {@code false} (a put that already placed
 * its item in a queue cannot be taken back, since a consumer may hold the item already).
 */
public final class FutureWaiter<T> extends Waiter {
  /**
   * Returns a granted but unwanted value to the primitive (releases the permit, requeues the item).
   */
  public interface GiveBack {
    void giveBack(Waiter w);
  }

  /** A grant value that completes the future exceptionally with {@code cause}. */
  public record Failure(Throwable cause) {}

  private final Promise<T> future = new Promise<>(this);
  private final GiveBack giveBack;
  private final boolean keepsGrant;

  public FutureWaiter(GiveBack giveBack) {
    this(giveBack, false);
  }

  private FutureWaiter(GiveBack giveBack, boolean keepsGrant) {
    super(Thread.currentThread());
    this.giveBack = giveBack;
    this.keepsGrant = keepsGrant;
  }

  /**
   * A waiter whose grant, once decided, wins over a completion of the future by its user; see the
   * class comment.
   */
  public static <T> FutureWaiter<T> keepingGrant() {
    return new FutureWaiter<>(null, true);
  }

  public CompletableFuture<T> future() {
    return future;
  }

  @Override
  void resume() {
    if (state() == GRANTED) {
      if (!settleGranted() && giveBack != null && !(value instanceof Failure)) {
        giveBack.giveBack(this);
      }
    } else {
      future.settleCancelled();
    }
  }

  /** Completes the future with the granted outcome (state is GRANTED); false if it was done. */
  @SuppressWarnings("unchecked")
  private boolean settleGranted() {
    Object v = value;
    if (v instanceof Failure f) {
      return future.settleExceptionally(f.cause());
    }
    return future.settle((T) v);
  }

  /** On a completion by the user: withdraws the request, or lets a decided grant win. */
  private void withdrawOrKeep() {
    if (!WaitQueue.withdraw(this, Waiter.CANCELLED) && keepsGrant && state() == GRANTED) {
      settleGranted();
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

    boolean settleExceptionally(Throwable cause) {
      return super.completeExceptionally(cause);
    }

    void settleCancelled() {
      super.cancel(false);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      waiter.withdrawOrKeep();
      return super.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean complete(T value) {
      waiter.withdrawOrKeep();
      return super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      waiter.withdrawOrKeep();
      return super.completeExceptionally(ex);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }
}
