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
    final FiberList fibers = new FiberList();
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
      s.fibers.add(f);
    } finally {
      s.lock.unlock();
    }
  }

  void remove(Fiber f) {
    Stripe s = stripeOf(f);
    s.lock.lock();
    try {
      s.fibers.remove(f);
    } finally {
      s.lock.unlock();
    }
  }

  private List<Fiber> snapshot() {
    List<Fiber> out = new ArrayList<>();
    for (Stripe s : stripes) {
      s.lock.lock();
      try {
        s.fibers.copyTo(out);
      } finally {
        s.lock.unlock();
      }
    }
    return out;
  }

  /** Cancels every live task and waits until their bodies have returned. */
  public void cancelAndJoinAll() {
    for (List<Fiber> live = snapshot(); !live.isEmpty(); live = snapshot()) {
      for (Fiber f : live) {
        f.cancel();
      }
      for (Fiber f : live) {
        f.joinUninterruptibly();
      }
    }
  }
}
