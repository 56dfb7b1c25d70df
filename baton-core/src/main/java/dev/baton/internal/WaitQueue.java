package dev.baton.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine every Baton primitive stands on: a FIFO queue of one-shot {@link Waiter}s behind a
 * small guard lock.
 *
 * <h2>Implementation overview</h2>
 *
 * <p>A primitive keeps its own state (permits, owner, flag, items) and mutates it only while
 * holding this queue's guard ({@link #lock()}/{@link #unlock()}), so "check the state, then queue
 * up" and "change the state, then pick the waiter to serve" are each one atomic step. Several
 * queues may share one guard (a {@code Condition}'s queue shares its lock's), which is what lets a
 * waiter move between them atomically ({@link #requeue}).
 *
 * <p>A waiting operation runs in three steps: (1) under the guard, take the resource if it is free
 * and nobody waits (FIFO, no barging), else {@link #enqueue} a waiter; (2) release the guard; (3)
 * let the waiter's face wait ({@link Waiter#block} parks a thread or hands a loop task's baton
 * away; the async face simply returns its future).
 *
 * <p>Releasing hands over directly: under the guard the primitive picks the head waiter, gives it
 * the resource (the owner, the permit, the item) and calls {@link #grant}, which settles the waiter
 * with one CAS and unlinks it. Withdrawing takes the guard too, so a waiter still linked is always
 * grantable, and a grant never lands on a dead request.
 *
 * <p>Withdrawing ({@link #withdraw}) takes the guard, CASes {@code WAITING} to {@code CANCELLED} or
 * {@code TIMED_OUT}, unlinks, and lets the primitive react ({@link Policy#withdrawn}: a barrier
 * counts one less arrival, a read-write lock may now admit the readers queued behind a writer). If
 * the CAS fails, the grant came first and wins: the caller keeps the resource.
 *
 * <p>Resuming never happens under the guard. Grants made while the guard is held are collected on a
 * list; {@link #unlock()} releases the guard and only then resumes them (unpark, make ready,
 * complete a future), in grant order. Completing a future may run a user callback that releases
 * another primitive, whose unlock would resume further waiters: a per-thread trampoline turns that
 * chain into a loop, so a chain of a million callbacks uses one stack frame, not a million.
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Every linked waiter is {@code WAITING}; granted, withdrawn and requeued-away waiters are
 *       unlinked in the same guarded step that settled them.
 *   <li>A waiter is settled at most once; the settler (and only the settler) arranges its resume.
 *   <li>State changes of a primitive and of its queue happen under the same guard.
 * </ul>
 */
public final class WaitQueue {
  /** How a primitive reacts when one of its waiters is withdrawn; runs under the guard. */
  public interface Policy {
    void withdrawn(Waiter w);
  }

  private static final Policy NO_POLICY = w -> {};

  /**
   * The guard, and the list of waiters granted while it is held. The list belongs to the guard, not
   * to a queue: queues that share a guard (a condition and its lock) may grant in one queue and
   * unlock through the other.
   */
  @SuppressWarnings("serial") // never serialized
  private static final class Guard extends ReentrantLock {
    Waiter resumeHead;
    Waiter resumeTail;
  }

  private final Guard guard;
  private final Object primitive;
  private Policy policy = NO_POLICY;

  private Waiter head;
  private Waiter tail;
  private int size;

  /** Loop binding for deadlock detection; see {@link #touch()}. */
  private volatile Object home;

  private static final VarHandle HOME;

  static {
    try {
      HOME = MethodHandles.lookup().findVarHandle(WaitQueue.class, "home", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Creates a queue with its own guard; {@code primitive} is named in diagnostics. */
  public WaitQueue(Object primitive) {
    this.guard = new Guard();
    this.primitive = primitive;
  }

  /** Creates a queue that shares {@code other}'s guard (a condition on its lock). */
  public WaitQueue(Object primitive, WaitQueue other) {
    this.guard = other.guard;
    this.primitive = primitive;
    this.home = other.home;
  }

  public void setPolicy(Policy policy) {
    this.policy = policy;
  }

  public Object primitive() {
    return primitive;
  }

  // ---------------------------------------------------------------- guard

  public void lock() {
    guard.lock();
  }

  /** Releases the guard, then resumes every waiter granted while it was held. */
  public void unlock() {
    Guard g = guard;
    Waiter first = g.resumeHead;
    if (first == null) {
      g.unlock();
      return;
    }
    g.resumeHead = g.resumeTail = null;
    g.unlock();
    Resumer.resumeAll(first);
  }

  // ---------------------------------------------------------------- queue (guard held)

  public boolean isEmpty() {
    return head == null;
  }

  public int size() {
    return size;
  }

  public Waiter head() {
    return head;
  }

  /** Links {@code w} at the tail. */
  public void enqueue(Waiter w) {
    w.queue = this;
    link(w);
  }

  private void link(Waiter w) {
    w.prev = tail;
    w.next = null;
    if (tail == null) {
      head = w;
    } else {
      tail.next = w;
    }
    tail = w;
    size++;
  }

  private void unlink(Waiter w) {
    Waiter p = w.prev;
    Waiter n = w.next;
    if (p == null) {
      head = n;
    } else {
      p.next = n;
    }
    if (n == null) {
      tail = p;
    } else {
      n.prev = p;
    }
    w.prev = w.next = null;
    size--;
  }

  /**
   * Settles a linked waiter as granted, unlinks it, and schedules its resume for {@link #unlock()}.
   * The primitive has already transferred the resource (owner, permit, item) to it.
   */
  public void grant(Waiter w) {
    if (!w.transition(Waiter.WAITING, Waiter.GRANTED)
        && !w.transition(Waiter.REQUEUED, Waiter.GRANTED)) {
      throw new IllegalStateException("grant of a settled waiter: " + w.state());
    }
    unlink(w);
    Guard g = guard;
    if (g.resumeTail == null) {
      g.resumeHead = w;
    } else {
      g.resumeTail.nextToResume = w;
    }
    g.resumeTail = w;
  }

  /** Grants the head waiter; returns it, or {@code null} if nobody waits. */
  public Waiter grantHead() {
    Waiter w = head;
    if (w != null) {
      grant(w);
    }
    return w;
  }

  /**
   * Moves a waiting waiter to the tail of {@code target} (which shares this guard) without resuming
   * it, and makes it impossible to cancel: Trio's {@code repark}, used by {@code Condition.signal}.
   */
  public void requeue(Waiter w, WaitQueue target) {
    if (target.guard != guard) {
      throw new IllegalArgumentException("requeue across guards");
    }
    if (!w.transition(Waiter.WAITING, Waiter.REQUEUED)) {
      throw new IllegalStateException("requeue of a settled waiter: " + w.state());
    }
    unlink(w);
    target.enqueue(w);
  }

  /** Snapshot of the waiting requesters, head first (diagnostics). */
  public List<Waiter> snapshot() {
    guard.lock();
    try {
      List<Waiter> out = new ArrayList<>(size);
      for (Waiter w = head; w != null; w = w.next) {
        out.add(w);
      }
      return out;
    } finally {
      guard.unlock();
    }
  }

  // ---------------------------------------------------------------- withdrawal

  /**
   * Withdraws a waiter if it still waits: the one atomic step that a cancel or a timeout takes
   * against a grant. Takes the guard itself; must be called without it.
   *
   * @param reason {@link Waiter#CANCELLED} or {@link Waiter#TIMED_OUT}
   * @return {@code true} if withdrawn; {@code false} if it was granted or requeued first
   */
  public static boolean withdraw(Waiter w, int reason) {
    WaitQueue q = w.queue;
    if (q == null) {
      return w.transition(Waiter.WAITING, reason); // a wait on nothing (sleep)
    }
    q.guard.lock(); // all queues a waiter can move between share this guard
    try {
      if (!w.transition(Waiter.WAITING, reason)) {
        return false;
      }
      WaitQueue current = w.queue;
      current.unlink(w);
      current.policy.withdrawn(w);
    } finally {
      q.unlock();
    }
    return true;
  }

  /** Withdraws a waiter on someone else's behalf (task cancel, loop timer) and resumes it. */
  public static boolean cancel(Waiter w, int reason) {
    if (withdraw(w, reason)) {
      Resumer.resumeAll(w);
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- loop binding

  private static final Object SHARED = new Object();

  /**
   * Records who uses this primitive, for deadlock detection: the first event loop whose task uses
   * it binds it; any use by a thread outside that loop marks it shared, and a task waiting on a
   * shared primitive is never declared deadlocked (something outside may still wake it). Once
   * shared, this is one volatile read.
   */
  public void touch() {
    Object h = home;
    if (h == SHARED || (h instanceof Loop l && l.isOnBaton(Thread.currentThread()))) {
      return;
    }
    touchSlow(h);
  }

  private void touchSlow(Object h) {
    Fiber f = Fiber.current();
    Object loop = f == null ? null : f.loop;
    if (h == loop && h != null) {
      return;
    }
    // The first use binds with a CAS: a plain write could overwrite the SHARED of a thread
    // outside the loop that used it at the same moment, and the loop would then declare its tasks
    // deadlocked while that thread may still wake them.
    if (h == null && loop != null && (HOME.compareAndSet(this, null, loop) || home == loop)) {
      return;
    }
    home = SHARED;
  }

  // ---------------------------------------------------------------- lost-signal diagnostics

  private String unheardSignalSite;
  private int unheardSignals;

  /**
   * Records that a signal or set reached nobody (guard held). The first such call site is kept for
   * the deadlock report ("the signal at X came before the wait at Y"); later ones are only counted,
   * so a hot producer pays for one stack walk per primitive, not one per signal.
   */
  public void noteUnheardSignal() {
    if (unheardSignals++ == 0) {
      unheardSignalSite = CallSite.ofCaller();
    }
  }

  /** The call site of the first signal that reached nobody, or {@code null}. */
  public String unheardSignalSite() {
    return unheardSignalSite;
  }

  /**
   * The entry of every blocking wait: records the use ({@link #touch()}), then the entry check (a
   * wait called with the interrupt status set throws at once, even if it would not have to wait).
   */
  public void enterWait() throws InterruptedException {
    touch();
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }

  /** True if no thread outside {@code loop} has used this primitive. */
  public boolean confinedTo(Object loop) {
    return home == loop;
  }
}
