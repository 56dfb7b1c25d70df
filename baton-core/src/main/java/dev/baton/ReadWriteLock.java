package dev.baton;

import dev.baton.internal.Args;
import dev.baton.internal.Diagnosable;
import dev.baton.internal.Fiber;
import dev.baton.internal.FutureWaiter;
import dev.baton.internal.WaitQueue;
import dev.baton.internal.Waiter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A lock that many readers may hold at once, or one writer alone, served strictly first come, first
 * served so that writers never starve.
 *
 * {@snippet class=dev.baton.snippets.Snippets region=readwritelock-blocking}
 *
 * <p>The non-blocking face yields a {@link Held} that may be closed from any thread:
 *
 * {@snippet class=dev.baton.snippets.Snippets region=readwritelock-async}
 *
 * <h2>asyncio</h2>
 *
 * asyncio has no read-write lock (third-party {@code aiorwlock} fills the gap); this one follows
 * Tokio's {@code RwLock}: fair and FIFO, with {@link Lock}'s ownership and direct hand-off. The
 * name is the concept's; {@code java.util.concurrent.locks.ReadWriteLock} is an interface over two
 * {@code Lock}s, which this class does not implement.
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li><b>Readers share, a writer excludes.</b> Any number of read holds, or one write hold.
 *   <li><b>Ownership of the write lock</b> (as {@link Lock}): the writer is the thread or task that
 *       acquired it, or the {@link Held} of {@link #acquireWriteAsync()}. Acquiring the write or a
 *       read lock again from the writer throws {@link IllegalStateException} instead of waiting for
 *       itself; {@link #releaseWrite()} by anyone else throws {@link IllegalStateException}. Read
 *       holds are counted, not owned: any thread may {@link #releaseRead()} a hold, but never more
 *       than there are. There is no reentrancy and no upgrade: a reader that asks for the write
 *       lock waits for its own read hold (on the event loop, a {@link DeadlockException} names it).
 *   <li><b>Direct hand-off.</b> Releasing grants the waiters that can now go in the same atomic
 *       step: when the writer releases, the whole run of readers at the head of the queue is
 *       admitted together; when the last reader releases, the writer at the head becomes the owner.
 * </ul>
 *
 * <h2>Fairness</h2>
 *
 * One FIFO queue for readers and writers, all faces. A request waits if anyone waits ahead of it
 * (no barging): a waiting writer blocks every reader that comes after it, even while the lock is
 * only read-held, so writers are never starved. {@code tryAcquire*} fails while anyone waits.
 *
 * <h2>Cancellation and timeouts</h2>
 *
 * As {@link Lock}: a blocking acquire called with the interrupt status set throws {@link
 * InterruptedException} at once; an interrupt, {@link Task#cancel()}, an expired timeout or a
 * cancelled future withdraws the request; if the hand-off came first, the call returns holding the
 * lock and the interrupt status stays set; a future completed by its user after the hand-off
 * releases what it was handed. When a waiting writer is withdrawn while the lock is read-held (or
 * free), the readers queued behind it are admitted at once: a cancelled writer leaves no one stuck
 * behind it.
 *
 * <h2>Memory consistency</h2>
 *
 * Actions before releasing the write lock happen-before the actions after every later acquire.
 * Actions before releasing a read hold happen-before the actions after the next write acquire.
 *
 * <p>Works on the event loop, on any thread, and from future callbacks; belongs to no loop.
 */
public final class ReadWriteLock {
  private static final int READ = 0;
  private static final int WRITE = 1;

  private final WaitQueue queue;

  /*
   * Invariants, under the guard:
   *  - writer != null implies readers == 0;
   *  - a request is queued only if it could not go in, or someone was queued ahead of it;
   *  - the head of the queue can never go in right now (admit() has run after every change):
   *    a writer at the head waits for readers or the writer to leave; a reader at the head waits
   *    for the writer to leave.
   */
  private volatile int readers;

  /** The writing thread, or the {@link WriteGuard} of an async acquire; {@code null} if none. */
  private volatile Object writer;

  private int waitingReaders;
  private int waitingWriters;

  /** Creates an unlocked read-write lock. */
  public ReadWriteLock() {
    this.queue = new WaitQueue(new Diagnostics());
    queue.setPolicy(this::withdrawn);
  }

  // ---------------------------------------------------------------- read

  /**
   * Takes a read hold, waiting while the lock is write-held or anyone waits ahead.
   *
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   * @throws IllegalStateException if the caller holds the write lock
   */
  public void acquireRead() throws InterruptedException {
    acquire(READ, -1L);
  }

  /**
   * Takes a read hold if it can within {@code timeout}.
   *
   * @param timeout how long to wait
   * @return {@code true} if taken, {@code false} if the timeout passed first
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   * @throws IllegalStateException if the caller holds the write lock
   */
  public boolean acquireRead(Duration timeout) throws InterruptedException {
    return acquire(READ, Args.nanos(timeout, "timeout"));
  }

  /**
   * Takes a read hold only if that needs no waiting: not write-held, nobody waiting.
   *
   * @return whether a read hold was taken
   * @throws IllegalStateException if the caller holds the write lock
   */
  public boolean tryAcquireRead() {
    return tryAcquire(READ);
  }

  /**
   * Takes a read hold and returns a guard that releases it: {@code try (Held r = rw.readHold())}.
   *
   * @return the guard; closing it releases the read hold once
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   * @throws IllegalStateException if the caller holds the write lock
   */
  public Held readHold() throws InterruptedException {
    acquireRead();
    return new ReadGuard();
  }

  /**
   * Requests a read hold without blocking. The future completes with a {@link Held} that releases
   * it, from any thread; cancelling the future before that withdraws the request.
   *
   * @return a future of the read hold's guard
   */
  public CompletableFuture<Held> acquireReadAsync() {
    return acquireAsync(READ, new ReadGuard());
  }

  /**
   * Releases one read hold; when it was the last, the writer at the head of the queue, if any, gets
   * the lock before this returns.
   *
   * @throws IllegalStateException if there is no read hold
   */
  public void releaseRead() {
    queue.touch();
    queue.lock();
    try {
      if (readers == 0) {
        throw new IllegalStateException("releaseRead() but the ReadWriteLock has no read hold");
      }
      readers = readers - 1;
      admit();
    } finally {
      queue.unlock();
    }
  }

  // ---------------------------------------------------------------- write

  /**
   * Takes the write lock, waiting while it is held in any mode or anyone waits ahead.
   *
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   * @throws IllegalStateException if the caller already holds the write lock
   */
  public void acquireWrite() throws InterruptedException {
    acquire(WRITE, -1L);
  }

  /**
   * Takes the write lock if it can within {@code timeout}.
   *
   * @param timeout how long to wait
   * @return {@code true} if taken, {@code false} if the timeout passed first
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   * @throws IllegalStateException if the caller already holds the write lock
   */
  public boolean acquireWrite(Duration timeout) throws InterruptedException {
    return acquire(WRITE, Args.nanos(timeout, "timeout"));
  }

  /**
   * Takes the write lock only if it is free and nobody waits.
   *
   * @return whether the write lock was taken
   * @throws IllegalStateException if the caller already holds the write lock
   */
  public boolean tryAcquireWrite() {
    return tryAcquire(WRITE);
  }

  /**
   * Takes the write lock and returns a guard that releases it: {@code try (Held w =
   * rw.writeHold())}.
   *
   * @return the guard; closing it releases the write lock once
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   * @throws IllegalStateException if the caller already holds the write lock
   */
  public Held writeHold() throws InterruptedException {
    acquireWrite();
    return new WriteGuard(Thread.currentThread());
  }

  /**
   * Requests the write lock without blocking. The future completes with a {@link Held} that owns
   * the write lock and may be closed from any thread; cancelling the future before that withdraws
   * the request.
   *
   * @return a future of the write lock's guard
   */
  public CompletableFuture<Held> acquireWriteAsync() {
    return acquireAsync(WRITE, new WriteGuard(null));
  }

  /**
   * Releases the write lock held by the calling thread or task; the waiters that can now go (a
   * writer, or the run of readers at the head of the queue) get it before this returns.
   *
   * @throws IllegalStateException if the write lock is not held, or is held by someone else (one
   *     taken with {@link #acquireWriteAsync()} is released by closing its {@link Held})
   */
  public void releaseWrite() {
    queue.touch();
    Thread me = Thread.currentThread();
    queue.lock();
    try {
      Object w = writer;
      if (w != me) {
        if (w == null) {
          throw new IllegalStateException("releaseWrite() but the ReadWriteLock is not write-held");
        }
        if (w instanceof WriteGuard) {
          throw new IllegalStateException(
              "the write lock was acquired with acquireWriteAsync(); release it by closing its"
                  + " Held");
        }
        throw new IllegalStateException(
            "releaseWrite() by " + me + ", but the write lock is held by " + w);
      }
      writer = null;
      admit();
    } finally {
      queue.unlock();
    }
  }

  // ---------------------------------------------------------------- state

  /**
   * Whether the write lock is held.
   *
   * @return whether it is write-held
   */
  public boolean isWriteLocked() {
    return writer != null;
  }

  /**
   * Whether the calling thread or task holds the write lock.
   *
   * @return whether the caller is the writer
   */
  public boolean isWriteHeldByCurrentThread() {
    return writer == Thread.currentThread();
  }

  /**
   * The number of read holds.
   *
   * @return the read holds
   */
  public int readHolds() {
    return readers;
  }

  /**
   * A snapshot of this lock's state.
   *
   * @return the statistics
   */
  public Statistics statistics() {
    queue.lock();
    try {
      return new Statistics(readers, describeWriter(writer), waitingReaders, waitingWriters);
    } finally {
      queue.unlock();
    }
  }

  /**
   * A snapshot of a {@link ReadWriteLock}.
   *
   * @param readers read holds
   * @param writer who held the write lock (a thread or task, or "a Held from acquireWriteAsync()"),
   *     or {@code null}
   * @param waitingReaders queued read requests
   * @param waitingWriters queued write requests
   */
  public record Statistics(int readers, String writer, int waitingReaders, int waitingWriters) {}

  @Override
  public String toString() {
    Statistics s = statistics();
    String held =
        s.writer() != null
            ? "write-locked by " + s.writer()
            : s.readers() > 0 ? "read-locked by " + s.readers() : "unlocked";
    return "ReadWriteLock["
        + held
        + ", waiting readers="
        + s.waitingReaders()
        + ", writers="
        + s.waitingWriters()
        + "]";
  }

  // ---------------------------------------------------------------- internals

  private boolean acquire(int kind, long nanos) throws InterruptedException {
    queue.enterWait();
    Thread me = Thread.currentThread();
    Waiter w;
    queue.lock();
    try {
      checkNotWriter(me, kind);
      if (takeIfFree(kind, me)) {
        return true;
      }
      if (nanos == 0) {
        return false;
      }
      w = Waiter.forCurrentThread();
      enqueue(w, kind);
    } finally {
      queue.unlock();
    }
    return w.block(nanos, true);
  }

  private boolean tryAcquire(int kind) {
    queue.touch();
    Thread me = Thread.currentThread();
    queue.lock();
    try {
      checkNotWriter(me, kind);
      return takeIfFree(kind, me);
    } finally {
      queue.unlock();
    }
  }

  private CompletableFuture<Held> acquireAsync(int kind, Held token) {
    queue.touch();
    FutureWaiter<Held> w = new FutureWaiter<>(given -> ((Held) given.value).close());
    w.value = token;
    queue.lock();
    try {
      if (takeIfFree(kind, token)) {
        return CompletableFuture.completedFuture(token);
      }
      enqueue(w, kind);
    } finally {
      queue.unlock();
    }
    return w.future();
  }

  /** Under the guard: takes the lock for {@code who} if that needs no waiting. */
  private boolean takeIfFree(int kind, Object who) {
    if (writer != null || !queue.isEmpty()) {
      return false;
    }
    if (kind == READ) {
      readers = readers + 1;
      return true;
    }
    if (readers == 0) {
      writer = who;
      return true;
    }
    return false;
  }

  private void enqueue(Waiter w, int kind) {
    w.kind = kind;
    if (kind == READ) {
      waitingReaders++;
    } else {
      waitingWriters++;
    }
    queue.enqueue(w);
  }

  private void checkNotWriter(Thread me, int kind) {
    if (writer == me) {
      throw new IllegalStateException(
          kind == WRITE
              ? "the write lock is already held by " + me + "; ReadWriteLock is not reentrant"
              : me + " holds the write lock; a read request would wait for itself");
    }
  }

  /**
   * Under the guard, after any change: grants the head writer if the lock is free, or the run of
   * readers at the head if it is not write-held.
   */
  private void admit() {
    if (writer != null) {
      return;
    }
    Waiter h = queue.head();
    if (h == null) {
      return;
    }
    if (h.kind == WRITE) {
      if (readers == 0) {
        writer = h instanceof FutureWaiter<?> ? h.value : h.requester;
        waitingWriters--;
        queue.grant(h);
      }
      return;
    }
    int admitted = 0;
    while (h != null && h.kind == READ) {
      admitted++;
      waitingReaders--;
      queue.grant(h);
      h = queue.head();
    }
    readers = readers + admitted;
  }

  /** Policy: a waiter left the queue; the ones behind it may be able to go now. */
  private void withdrawn(Waiter w) {
    if (w.kind == WRITE) {
      waitingWriters--;
    } else {
      waitingReaders--;
    }
    admit();
  }

  private static String describeWriter(Object w) {
    if (w == null) {
      return null;
    }
    if (w instanceof Thread t) {
      return Fiber.nameOf(t);
    }
    return w instanceof WriteGuard ? "a Held from acquireWriteAsync()" : w.toString();
  }

  private final class Diagnostics implements Diagnosable {
    @Override
    public String kind() {
      return "ReadWriteLock";
    }

    @Override
    public Thread holder() {
      return writer instanceof Thread t ? t : null;
    }

    @Override
    public String describe() {
      Object w = writer;
      int r = readers;
      return w != null
          ? "write-locked by " + describeWriter(w)
          : r > 0 ? "read-locked by " + r + (r == 1 ? " reader" : " readers") : "unlocked";
    }
  }

  /** A read hold's guard: releases once. */
  private final class ReadGuard implements Held {
    private final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        releaseRead();
      }
    }

    @Override
    public String toString() {
      return "Held[read]";
    }
  }

  /** The write lock's guard: releases once, as the owner it stands for. */
  private final class WriteGuard implements Held {
    private final Thread thread; // null: the guard itself is the owner (async)
    private boolean closed; // guarded

    WriteGuard(Thread thread) {
      this.thread = thread;
    }

    @Override
    public void close() {
      Object who = thread != null ? thread : this;
      queue.lock();
      try {
        if (closed) {
          return;
        }
        closed = true;
        if (writer != who) {
          return; // released some other way already
        }
        writer = null;
        admit();
      } finally {
        queue.unlock();
      }
    }

    @Override
    public String toString() {
      return "Held[write, " + (thread != null ? thread : "acquireWriteAsync") + "]";
    }
  }
}
