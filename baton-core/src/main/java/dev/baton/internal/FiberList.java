package dev.baton.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * An intrusive list of live fibers, linked through their {@code prevLive}/{@code nextLive} fields:
 * a loop's tasks in spawn order, or one stripe of a parallel run's {@link Scope}. A fiber is in at
 * most one such list. Not thread-safe: the owner guards it (the baton, or the stripe's lock).
 */
final class FiberList {
  private Fiber head;
  private Fiber tail;
  private int size;

  void add(Fiber f) {
    f.prevLive = tail;
    f.nextLive = null;
    if (tail == null) {
      head = f;
    } else {
      tail.nextLive = f;
    }
    tail = f;
    size++;
  }

  void remove(Fiber f) {
    Fiber p = f.prevLive;
    Fiber n = f.nextLive;
    if (p == null) {
      head = n;
    } else {
      p.nextLive = n;
    }
    if (n == null) {
      tail = p;
    } else {
      n.prevLive = p;
    }
    f.prevLive = f.nextLive = null;
    size--;
  }

  int size() {
    return size;
  }

  Fiber head() {
    return head;
  }

  /** Appends the fibers, in order, to {@code out}. */
  void copyTo(List<Fiber> out) {
    for (Fiber f = head; f != null; f = f.nextLive) {
      out.add(f);
    }
  }

  List<Fiber> toList() {
    List<Fiber> out = new ArrayList<>(size);
    copyTo(out);
    return out;
  }
}
