package dev.baton.internal;

import java.lang.reflect.Constructor;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An optional single carrier thread for one event loop's virtual threads.
 *
 * <p>By default a loop's tasks are ordinary virtual threads on the JDK's shared scheduler. Handing
 * the baton to the next task unparks it, and on a machine with several cores the scheduler wakes an
 * idle carrier to run it: the tasks of a loop, of which only one runs at a time, keep bouncing
 * between carriers. A carrier of the loop's own avoids that: the next task's continuation is queued
 * on the same platform thread that is about to become free, and runs as soon as the current task
 * parks.
 *
 * <p>The JDK exposes a custom scheduler only through the non-public constructor {@code
 * java.lang.ThreadBuilders.VirtualThreadBuilder(Executor)}, so this is opt-in: run with {@code
 * -Dbaton.carrier=loop} and {@code --add-opens java.base/java.lang=ALL-UNNAMED} (or {@code
 * =dev.baton} on the module path). Without the opening, Baton says so once on standard error and
 * uses the default.
 */
final class Carrier implements Executor {
  private static final Constructor<?> BUILDER = findBuilder();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nonEmpty = lock.newCondition();
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private final Thread thread;
  private boolean stopped;

  private Carrier(String name) {
    thread = new Thread(this::work, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** A carrier for a new loop run, or {@code null} to use the JDK's default scheduler. */
  static Carrier forLoop() {
    if (BUILDER == null) {
      return null;
    }
    return new Carrier("baton-loop-carrier");
  }

  private static Constructor<?> findBuilder() {
    if (!"loop".equals(System.getProperty("baton.carrier"))) {
      return null;
    }
    try {
      Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
      Constructor<?> ctor = c.getDeclaredConstructor(Executor.class);
      ctor.setAccessible(true);
      return ctor;
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.err.println(
          "baton: -Dbaton.carrier=loop needs --add-opens java.base/java.lang=ALL-UNNAMED"
              + " (or =dev.baton); using the default virtual-thread scheduler ("
              + e
              + ")");
      return null;
    }
  }

  /** A builder of virtual threads that run on this carrier. */
  Thread.Builder.OfVirtual builder() {
    try {
      return (Thread.Builder.OfVirtual) BUILDER.newInstance(this);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void execute(Runnable continuation) {
    lock.lock();
    try {
      queue.addLast(continuation);
      nonEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Stops the carrier once it has run what is queued. */
  void stop() {
    lock.lock();
    try {
      stopped = true;
      nonEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  private void work() {
    for (; ; ) {
      Runnable r;
      lock.lock();
      try {
        while ((r = queue.pollFirst()) == null) {
          if (stopped) {
            return;
          }
          nonEmpty.awaitUninterruptibly();
        }
      } finally {
        lock.unlock();
      }
      r.run();
    }
  }
}
