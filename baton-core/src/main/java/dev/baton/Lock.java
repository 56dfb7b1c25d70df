package dev.baton;

import dev.baton.internal.Args;
import dev.baton.internal.Diagnosable;
import dev.baton.internal.Fiber;
import dev.baton.internal.FutureWaiter;
import dev.baton.internal.WaitQueue;
import dev.baton.internal.Waiter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A mutual-exclusion lock for tasks and threads, served strictly first come, first served: {@code
 * asyncio.Lock} with ownership.
 *
 * <h2>Differences from asyncio</h2>
 *
 * <ul>
 *   <li><b>Ownership.</b> The lock records its owner (the thread or task that acquired it, or the
 *       {@code Held} of an {@link #acquireAsync()}). Acquiring it again from the owner throws
 *       {@link IllegalStateException} instead of hanging; {@link #release()} by anyone else, or of
 *       an unlocked lock, throws {@link IllegalStateException}. The lock is not reentrant.
 *   <li><b>Direct hand-off.</b> {@link #release()} with waiters hands the lock straight to the
 *       longest waiter: right after it {@link #isLocked()} is still true and that waiter is the
 *       owner. Nothing can slip in between, which removes the woken-but-not-yet-running window
 *       where asyncio's lock bugs lived.
 *   <li><b>Works everywhere.</b> The same lock may be used at once by event-loop tasks, virtual and
 *       platform threads and future callbacks; it belongs to no loop.
 * </ul>
 *
 * <h2>Examples</h2>
 *
 * {@code async with lock:} is try-with-resources on {@link #hold()}:
 *
 * {@snippet class=dev.baton.snippets.Snippets region=lock-blocking}
 *
 * <p>The non-blocking face parks nothing and yields a {@link Held} that may be closed from any
 * thread:
 *
 * {@snippet class=dev.baton.snippets.Snippets region=lock-async}
 *
 * <h2>Fairness</h2>
 *
 * Waiters are served in arrival order, whichever face they used. A newcomer never barges: {@link
 * #tryAcquire()} fails while anyone waits, even if the lock is momentarily free.
 *
 * <h2>Cancellation and timeouts</h2>
 *
 * A blocking acquire called with the interrupt status set throws {@link InterruptedException} at
 * once. An interrupt (or {@link Task#cancel()}) while waiting withdraws the request, which leaves
 * the queue at once; {@link #acquire(Duration)} returns {@code false} when its deadline passes
 * first; cancelling the future of {@link #acquireAsync()} (or completing it any other way, such as
 * {@code orTimeout}) withdraws it too. One atomic step decides between the hand-off and the
 * withdrawal: if the hand-off came first, the call returns holding the lock and the interrupt
 * status stays set, so the next wait throws; if the withdrawal came first, nothing was consumed. A
 * future completed by its user after the hand-off passes the lock on to the next waiter.
 *
 * <h2>Memory consistency</h2>
 *
 * Actions before a release happen-before the actions after the next successful acquire.
 *
 * <h2>Run modes</h2>
 *
 * Works on the event loop, in parallel, on any thread, and from future callbacks, all at once on
 * the same lock; belongs to no loop.
 */
public final class Lock {
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Lock.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final int FREE = 0;
  private static final int LOCKED = 1;
  private static final int LOCKED_QUEUED = 2; // waiters may be queued: release takes the guard

  /** FREE, LOCKED or LOCKED_QUEUED; FREE implies nobody waits, so a CAS from FREE never barges. */
  @SuppressWarnings("unused")
  private volatile int state;

  /**
   * The owning thread, or the {@link Held} of an async acquire; set by whoever takes the lock.
   * Deliberately not volatile: the owner reads its own writes, a hand-off publishes it through the
   * waiter's CAS, and a thread that is not the owner can never read its own identity here (it wrote
   * {@code null} after itself when it released), so a stale read can only make it fail the owner
   * check, which is right. Diagnostics may read a stale value.
   */
  private Object owner;

  final WaitQueue queue = new WaitQueue(new Diagnostics());

  /** Creates an unlocked lock. */
  public Lock() {}

  /**
   * Acquires the lock, waiting as long as it takes.
   *
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   *     (nothing is held then)
   * @throws IllegalStateException if the caller already owns this lock
   */
  public void acquire() throws InterruptedException {
    acquire(Thread.currentThread(), -1, true);
  }

  /**
   * Acquires the lock if it becomes available within {@code timeout}.
   *
   * @param timeout how long to wait; zero means do not wait (but, unlike {@link #tryAcquire()},
   *     still checks the interrupt status)
   * @return {@code true} if acquired, {@code false} if the timeout passed first
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   * @throws IllegalStateException if the caller already owns this lock
   */
  public boolean acquire(Duration timeout) throws InterruptedException {
    long nanos = Args.nanos(timeout, "timeout");
    return acquire(Thread.currentThread(), nanos, true);
  }

  /**
   * Acquires the lock only if it is free and nobody waits for it.
   *
   * @return whether the lock was acquired
   * @throws IllegalStateException if the caller already owns this lock
   */
  public boolean tryAcquire() {
    queue.touch();
    Thread me = Thread.currentThread();
    checkNotOwner(me);
    if (STATE.compareAndSet(this, FREE, LOCKED)) {
      owner = me;
      return true;
    }
    return false;
  }

  /**
   * Acquires the lock and returns a guard that releases it: {@code try (Held h = lock.hold())}.
   *
   * @return the guard; closing it releases the lock once
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   * @throws IllegalStateException if the caller already owns this lock
   */
  public Held hold() throws InterruptedException {
    acquire();
    return new Guard(this, Thread.currentThread());
  }

  /**
   * Requests the lock without blocking. The future completes with a {@link Held} that owns the lock
   * and may be closed from any thread. Cancelling the future before it completes withdraws the
   * request.
   *
   * @return a future of the guard
   */
  public CompletableFuture<Held> acquireAsync() {
    queue.touch();
    Guard token = new Guard(this, null);
    if (STATE.compareAndSet(this, FREE, LOCKED)) {
      owner = token;
      return CompletableFuture.completedFuture(token);
    }
    FutureWaiter<Held> w = new FutureWaiter<>(given -> ((Guard) given.value).close());
    w.value = token;
    queue.lock();
    try {
      if (lockOrQueue(token)) {
        return CompletableFuture.completedFuture(token);
      }
      queue.enqueue(w);
    } finally {
      queue.unlock();
    }
    return w.future();
  }

  /**
   * Releases the lock held by the calling thread or task. With waiters, the longest waiter becomes
   * the owner before this returns.
   *
   * @throws IllegalStateException if the lock is not locked, or is owned by someone else (a lock
   *     taken with {@link #acquireAsync()} is released through its {@link Held})
   */
  public void release() {
    queue.touch();
    Object me = Thread.currentThread();
    Object o = owner;
    if (o != me) {
      if (o == null) {
        throw new IllegalStateException("release of an unlocked Lock");
      }
      if (o instanceof Guard) {
        throw new IllegalStateException(
            "this Lock was acquired with acquireAsync(); release it by closing its Held");
      }
      throw new IllegalStateException(
          "release by " + Thread.currentThread() + ", but the Lock is owned by " + o);
    }
    releaseBy(me);
  }

  /**
   * Whether the lock is held by anyone.
   *
   * @return whether it is locked
   */
  public boolean isLocked() {
    return state != FREE;
  }

  /**
   * Whether the calling thread or task owns the lock.
   *
   * @return whether the caller is the owner
   */
  public boolean isHeldByCurrentThread() {
    return owner == Thread.currentThread();
  }

  /**
   * A snapshot of this lock's state, for monitoring and debugging.
   *
   * @return the statistics
   */
  public Statistics statistics() {
    queue.lock();
    try {
      return new Statistics(isLocked(), describeOwner(owner), queue.size());
    } finally {
      queue.unlock();
    }
  }

  /**
   * A snapshot of a {@link Lock}.
   *
   * @param locked whether it was held
   * @param owner who held it (a thread or task name, or "a Held from acquireAsync"), or {@code
   *     null}
   * @param waiting how many requests waited
   */
  public record Statistics(boolean locked, String owner, int waiting) {}

  @Override
  public String toString() {
    Statistics s = statistics();
    return "Lock["
        + (s.locked() ? "locked by " + s.owner() : "unlocked")
        + ", waiting="
        + s.waiting()
        + "]";
  }

  // ---------------------------------------------------------------- internals

  boolean acquire(Thread me, long nanos, boolean interruptible) throws InterruptedException {
    queue.touch();
    if (interruptible && Thread.interrupted()) {
      throw new InterruptedException();
    }
    checkNotOwner(me);
    if (STATE.compareAndSet(this, FREE, LOCKED)) {
      owner = me;
      return true;
    }
    Waiter w;
    queue.lock();
    try {
      if (lockOrQueue(me)) {
        return true;
      }
      if (nanos == 0) {
        return false;
      }
      w = Waiter.forCurrentThread();
      queue.enqueue(w);
    } finally {
      queue.unlock();
    }
    return w.block(nanos, interruptible);
  }

  /** Under the guard: takes the lock if free, else marks it queued (the caller then enqueues). */
  private boolean lockOrQueue(Object who) {
    for (; ; ) {
      int s = state;
      if (s == FREE) {
        if (STATE.compareAndSet(this, FREE, LOCKED)) {
          owner = who;
          return true;
        }
      } else if (s == LOCKED_QUEUED || STATE.compareAndSet(this, LOCKED, LOCKED_QUEUED)) {
        return false;
      }
    }
  }

  private void checkNotOwner(Thread me) {
    if (owner == me) {
      throw new IllegalStateException(
          "the Lock is already held by " + me + "; Baton's Lock is not reentrant");
    }
  }

  /** Releases on behalf of {@code who}, the verified owner. */
  void releaseBy(Object who) {
    owner = null;
    if (STATE.compareAndSet(this, LOCKED, FREE)) {
      return;
    }
    queue.lock();
    try {
      handOff();
    } finally {
      queue.unlock();
    }
  }

  /** Under the guard, by the owner: releases (a condition's await). */
  void releaseUnderGuard() {
    owner = null;
    handOff();
  }

  /** Under the guard, with the owner cleared: gives the lock to the head waiter or frees it. */
  void handOff() {
    Waiter head = queue.head();
    if (head == null) {
      state = FREE;
      return;
    }
    owner = head instanceof FutureWaiter<?> ? head.value : head.requester;
    state = queue.size() > 1 ? LOCKED_QUEUED : LOCKED;
    queue.grant(head);
  }

  /** Under the guard: puts a requeued condition waiter behind the lock's waiters. */
  void markQueued() {
    state = LOCKED_QUEUED;
  }

  private static String describeOwner(Object o) {
    if (o == null) {
      return null;
    }
    if (o instanceof Guard) {
      return "a Held from acquireAsync()";
    }
    if (o instanceof Thread t) { // a name, not toString(): that changes with the thread's state
      return Fiber.nameOf(t);
    }
    return o.toString();
  }

  /** What a deadlock report says about this lock. */
  private final class Diagnostics implements Diagnosable {
    @Override
    public String kind() {
      return "Lock";
    }

    @Override
    public Thread holder() {
      return owner instanceof Thread t ? t : null;
    }

    @Override
    public String describe() {
      Object o = owner;
      return o == null ? "unlocked" : "locked by " + describeOwner(o);
    }
  }

  /** The {@link Held} of this lock: releases once, as the owner it stands for. */
  static final class Guard implements Held {
    private static final VarHandle CLOSED;

    static {
      try {
        CLOSED = MethodHandles.lookup().findVarHandle(Guard.class, "closed", boolean.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final Lock lock;
    private final Thread thread; // null: the guard itself is the owner (async)
    private volatile boolean closed;

    Guard(Lock lock, Thread thread) {
      this.lock = lock;
      this.thread = thread;
    }

    @Override
    public void close() {
      if (closed || !CLOSED.compareAndSet(this, false, true)) {
        return; // closes exactly once
      }
      // The guard stands for one acquisition: it releases only if that acquisition still owns the
      // lock (a thread that released by hand and re-acquired is not released by an old guard...
      // unless it is the same thread, which ownership cannot tell apart). The owner was published
      // to whoever holds this guard: by program order for hold(), by the future for async.
      Object who = thread != null ? thread : this;
      if (lock.owner == who) {
        lock.releaseBy(who);
      }
    }

    @Override
    public String toString() {
      return "Held[" + (thread != null ? thread : "acquireAsync") + "]";
    }
  }
}
