package dev.baton.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live tasks of one {@code Baton.runParallel}: what it cancels and waits for when its main task
 * returns. (A loop keeps the same list itself, without locks.)
 */
public final class Scope {
  private final Set<Fiber> live = ConcurrentHashMap.newKeySet();

  void add(Fiber f) {
    live.add(f);
  }

  void remove(Fiber f) {
    live.remove(f);
  }

  /** Cancels every live task and waits until their bodies have returned. */
  public void cancelAndJoinAll() {
    boolean interrupted = false;
    while (!live.isEmpty()) {
      for (Fiber f : live.toArray(new Fiber[0])) {
        f.cancel();
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
