package dev.baton.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The live tasks of one {@code Baton.runParallel}: what it cancels and waits for when its main task
 * returns. (A loop keeps the same list itself, without locks.)
 *
 * <p>Tasks start and finish on all carriers at once, so the set is striped: a fiber lives in the
 * intrusive list of stripe {@code id % STRIPES} (through its {@code prevLive}/{@code nextLive}
 * links, which only loop fibers use otherwise), and adding or removing it takes only that stripe's
 * lock.
 */
public final class Scope {
  private static final int STRIPES = 16;

  private static final class Stripe {
    final ReentrantLock lock = new ReentrantLock();
    Fiber head;
  }

  private final Stripe[] stripes = new Stripe[STRIPES];

  public Scope() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe();
    }
  }

  private Stripe stripeOf(Fiber f) {
    return stripes[f.id() & (STRIPES - 1)];
  }

  void add(Fiber f) {
    Stripe s = stripeOf(f);
    s.lock.lock();
    try {
      f.prevLive = null;
      f.nextLive = s.head;
      if (s.head != null) {
        s.head.prevLive = f;
      }
      s.head = f;
    } finally {
      s.lock.unlock();
    }
  }

  void remove(Fiber f) {
    Stripe s = stripeOf(f);
    s.lock.lock();
    try {
      Fiber p = f.prevLive;
      Fiber n = f.nextLive;
      if (p == null) {
        s.head = n;
      } else {
        p.nextLive = n;
      }
      if (n != null) {
        n.prevLive = p;
      }
      f.prevLive = f.nextLive = null;
    } finally {
      s.lock.unlock();
    }
  }

  private List<Fiber> snapshot() {
    List<Fiber> out = new ArrayList<>();
    for (Stripe s : stripes) {
      s.lock.lock();
      try {
        for (Fiber f = s.head; f != null; f = f.nextLive) {
          out.add(f);
        }
      } finally {
        s.lock.unlock();
      }
    }
    return out;
  }

  /** Cancels every live task and waits until their bodies have returned. */
  public void cancelAndJoinAll() {
    boolean interrupted = false;
    for (List<Fiber> live = snapshot(); !live.isEmpty(); live = snapshot()) {
      for (Fiber f : live) {
        f.cancel();
      }
      for (Fiber f : live) {
        for (; ; ) {
          try {
            f.join();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
