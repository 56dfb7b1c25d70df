package dev.baton.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The deterministic event loop: tasks are virtual threads, and exactly one of them runs at a time.
 *
 * <h2>Implementation overview</h2>
 *
 * <p>The loop is not a thread that runs tasks; it is a <em>baton</em> that tasks pass to each
 * other. {@link #running} names the task that holds it ({@code null}: the driver, the thread that
 * called {@link #run}). A task that must wait calls {@link #park}: it takes the next task from the
 * FIFO ready queue, sets {@code running} to it, unparks it, and parks until {@code running} names
 * itself again. A task whose wait is granted is appended to the ready queue ({@link #makeReady})
 * and keeps running nothing until its turn: waking never switches, as in asyncio. A task that
 * finishes hands the baton on without parking. Only when nothing is ready does the baton go back to
 * the driver, which fires timers (jumping the clock straight to the next one on virtual time),
 * waits for wake-ups from outside, or declares a deadlock.
 *
 * <p>Everything the loop owns (the ready queue, the timer heap, the list of live tasks, the virtual
 * clock) is touched only by the baton holder, so it needs no locks: the volatile write of {@code
 * running} that passes the baton publishes it to the next holder. The one exception is a thread
 * outside the loop (another thread releasing a lock a loop task waits on, {@code toThread} work
 * finishing): it cannot touch the ready queue, so it appends to the concurrent {@link #inbox} and
 * unparks the driver if the driver holds the baton. Every baton holder drains the inbox before it
 * picks the next task, so an outside wake-up is never missed: either the holder drains it, or the
 * baton is back with the driver, which was unparked.
 *
 * <p>Deadlock: with nothing ready, no timer pending, no {@code toThread} work in flight, and every
 * waiting task waiting on a primitive that no thread outside this loop has used ({@link
 * WaitQueue#confinedTo}), nothing can ever wake anyone. The driver then builds a report ({@link
 * Deadlocks}), cancels the stuck tasks so their {@code finally} blocks run, and {@code run} throws.
 */
public final class Loop {
  private final boolean virtualTime;
  private Thread driver;
  private Fiber mainTask; // the current run's first task

  /** The baton holder; {@code null} while the driver holds it. */
  volatile Fiber running;

  private final ArrayDeque<Fiber> ready = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<Fiber> inbox = new ConcurrentLinkedQueue<>();

  private Timer[] heap = new Timer[16];
  private int timerCount;
  private long timerSeq;

  private final FiberList live = new FiberList();

  private final AtomicInteger offLoopWork = new AtomicInteger();

  /** The loop's own carrier thread for this run, or {@code null} for the JDK's scheduler. */
  private Carrier carrier;

  private long clock; // virtual time: nanos since run started
  private long realStart;
  private volatile long elapsedNanos;
  private volatile boolean runningNow;

  /**
   * The loops now running, so a thread can find its fiber without a thread-local (copy on write).
   */
  private static volatile Loop[] active = new Loop[0];

  private static final Object ACTIVE_LOCK = new Object();

  /** The fiber that holds a running loop's baton on thread {@code t}, or {@code null}. */
  static Fiber fiberOnBaton(Thread t) {
    for (Loop l : active) {
      Fiber r = l.running;
      if (r != null && r.thread == t) {
        return r;
      }
    }
    return null;
  }

  /**
   * The task of a running loop whose thread is {@code t}, searched only in loops whose baton the
   * caller holds (their list of tasks is the baton holder's alone); {@code null} otherwise.
   */
  static Fiber findFiber(Thread t) {
    Thread me = Thread.currentThread();
    for (Loop l : active) {
      if (l.isBatonHolder(me)) {
        for (Fiber f = l.live.head(); f != null; f = f.nextLive) {
          if (f.thread == t) {
            return f;
          }
        }
      }
    }
    return null;
  }

  /** Whether {@code t} runs a task of this loop now (it then holds the baton). */
  boolean isOnBaton(Thread t) {
    Fiber r = running;
    return r != null && r.thread == t;
  }

  private void activate(boolean on) {
    synchronized (ACTIVE_LOCK) {
      List<Loop> list = new ArrayList<>(Arrays.asList(active));
      if (on) {
        list.add(this);
      } else {
        list.remove(this);
      }
      active = list.toArray(new Loop[0]);
    }
  }

  public Loop(boolean virtualTime) {
    this.virtualTime = virtualTime;
  }

  public boolean virtualTime() {
    return virtualTime;
  }

  /** Nanoseconds on this loop's clock since {@link #run} started. */
  public long now() {
    return virtualTime ? clock : System.nanoTime() - realStart;
  }

  /** The clock: live while running, frozen at its last value afterwards. */
  public long elapsedNanos() {
    return runningNow ? now() : elapsedNanos;
  }

  // ---------------------------------------------------------------- baton passing

  private boolean isBatonHolder(Thread t) {
    Fiber r = running;
    return r == null ? t == driver : r.thread == t;
  }

  /**
   * Makes a task ready to run: from the baton holder directly, from elsewhere through the inbox.
   */
  void makeReady(Fiber f) {
    if (isBatonHolder(Thread.currentThread())) {
      ready.addLast(f);
    } else {
      inbox.add(f);
      if (running == null) {
        LockSupport.unpark(driver);
      }
    }
  }

  /** The next task to run, or {@code null}; fires due timers first. Baton holder only. */
  private Fiber nextReady() {
    Fiber f;
    while ((f = inbox.poll()) != null) {
      ready.addLast(f);
    }
    if (timerCount > 0 && heap[0].deadline <= now()) {
      fireDueTimers();
    }
    return ready.pollFirst();
  }

  private void handTo(Fiber next) {
    running = next;
    if (next == null) {
      LockSupport.unpark(driver);
    } else if (!next.started) {
      next.started = true;
      next.thread.start();
    } else {
      LockSupport.unpark(next.thread);
    }
  }

  /** Gives the baton away until {@code me} is made ready and its turn comes. Baton holder only. */
  void park(Fiber me) {
    Fiber next = nextReady();
    if (next == me) {
      return;
    }
    handTo(next);
    awaitBaton(me);
  }

  /** Called by a task's thread when it starts. */
  void enter(Fiber me) {
    awaitBaton(me);
  }

  /**
   * Parks until {@code me} holds the baton. An interrupt (a cancel) does not end this wait: the
   * task runs only when handed the baton; the interrupt status is kept for its next wait. (Parking
   * with the status set would return at once, and spinning here would starve the baton holder.)
   */
  private void awaitBaton(Fiber me) {
    boolean interrupted = false;
    while (running != me) {
      LockSupport.park(this);
      if (Thread.interrupted()) {
        interrupted = true;
      }
    }
    if (interrupted) {
      me.thread.interrupt();
    }
  }

  /**
   * Called by a task's thread when its body has returned: passes the baton on, for good. Main's end
   * passes it to the driver, which cancels the tasks left over before any of them runs again: a
   * task that is always ready (a polling loop of yields) would otherwise keep {@code run} from
   * returning.
   */
  void exit(Fiber me) {
    live.remove(me);
    handTo(me == mainTask ? null : nextReady());
  }

  /** Moves the calling task to the back of the ready queue: {@code asyncio.sleep(0)}. */
  public void yieldNow(Fiber me) {
    ready.addLast(me);
    park(me);
  }

  // ---------------------------------------------------------------- tasks

  Thread newThread(String name, Runnable body) {
    return newVirtualThread(name, body, carrier);
  }

  /**
   * An unstarted virtual thread, named only if {@code name} is given, on {@code carrier} if any.
   */
  static Thread newVirtualThread(String name, Runnable body, Carrier carrier) {
    Thread.Builder.OfVirtual b = carrier != null ? carrier.builder() : Thread.ofVirtual();
    return name != null ? b.name(name).unstarted(body) : b.unstarted(body);
  }

  /** Creates a task and makes it ready. Baton holder only. */
  public Fiber spawn(Object body, String name) {
    if (!runningNow) {
      throw new IllegalStateException("this event loop is not running");
    }
    if (!isBatonHolder(Thread.currentThread())) {
      throw new IllegalStateException(
          "tasks can be spawned on an event loop only from its own tasks; use Baton.toThread for"
              + " work off the loop");
    }
    Fiber f = new Fiber(this, null, body, name);
    live.add(f);
    ready.addLast(f);
    return f;
  }

  List<Fiber> liveFibers() {
    return live.toList();
  }

  /**
   * Runs blocking work on its own thread and waits for it without holding the baton. While it runs
   * the loop never declares a deadlock and, on virtual time, does not jump the clock.
   */
  public <T> T offLoop(Callable<T> work) throws Exception {
    Gate done = new Gate("toThread work");
    Object[] result = new Object[1];
    Throwable[] failure = new Throwable[1];
    offLoopWork.incrementAndGet();
    Thread worker =
        Thread.ofVirtual()
            .name(Thread.currentThread().getName() + "-toThread")
            .start(
                () -> {
                  try {
                    result[0] = work.call();
                  } catch (Throwable t) {
                    failure[0] = t;
                  } finally {
                    done.open();
                    offLoopWork.decrementAndGet();
                    LockSupport.unpark(driver); // the driver may wait for this work to end
                  }
                });
    try {
      done.await(-1);
    } catch (InterruptedException e) {
      worker.interrupt();
      throw e;
    }
    if (failure[0] instanceof Exception e) {
      throw e;
    }
    if (failure[0] instanceof Error e) {
      throw e;
    }
    @SuppressWarnings("unchecked")
    T r = (T) result[0];
    return r;
  }

  // ---------------------------------------------------------------- timers

  /** A pending action on the loop's clock. */
  public static final class Timer {
    final long deadline;
    final long seq;
    final Runnable action;
    int index = -1;

    Timer(long deadline, long seq, Runnable action) {
      this.deadline = deadline;
      this.seq = seq;
      this.action = action;
    }

    boolean before(Timer o) {
      return deadline < o.deadline || (deadline == o.deadline && seq < o.seq);
    }
  }

  /** Runs {@code action} on the loop after {@code nanos}. Baton holder only. */
  public Timer schedule(long nanos, Runnable action) {
    long now = now();
    long deadline = nanos >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
    Timer t = new Timer(deadline, timerSeq++, action);
    if (timerCount == heap.length) {
      heap = Arrays.copyOf(heap, timerCount * 2);
    }
    t.index = timerCount;
    heap[timerCount++] = t;
    siftUp(t.index);
    return t;
  }

  /** Cancels a timer that has not fired; does nothing otherwise. Baton holder only. */
  public void cancelTimer(Timer t) {
    int i = t.index;
    if (i < 0) {
      return;
    }
    t.index = -1;
    Timer last = heap[--timerCount];
    heap[timerCount] = null;
    if (i < timerCount) {
      heap[i] = last;
      last.index = i;
      siftDown(i);
      siftUp(last.index);
    }
  }

  private void fireDueTimers() {
    long now = now();
    while (timerCount > 0 && heap[0].deadline <= now) {
      Timer t = heap[0];
      cancelTimer(t);
      t.action.run();
    }
  }

  private void siftUp(int i) {
    Timer t = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Timer p = heap[parent];
      if (!t.before(p)) {
        break;
      }
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = t;
    t.index = i;
  }

  private void siftDown(int i) {
    Timer t = heap[i];
    int half = timerCount >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < timerCount && heap[right].before(heap[child])) {
        child = right;
      }
      if (!heap[child].before(t)) {
        break;
      }
      heap[i] = heap[child];
      heap[i].index = i;
      i = child;
    }
    heap[i] = t;
    t.index = i;
  }

  // ---------------------------------------------------------------- the driver

  /**
   * How often stuck tasks are cancelled again (they may catch it and wait again) before giving up.
   */
  private static final int MAX_DEADLOCK_ROUNDS = 100;

  private int deadlockRounds;

  /**
   * Runs {@code main} as this loop's first task and drives the loop until every task has finished.
   * Returns main's fiber (its outcome is read by the caller); throws the deadlock report if one was
   * declared.
   */
  public Fiber run(Callable<?> main, String mainName) {
    if (Fiber.current() != null && Fiber.current().loop != null) {
      throw new IllegalStateException(
          "an event loop cannot be run from a task of another event loop (as asyncio.run cannot)");
    }
    synchronizedStart();
    Fiber mainFiber;
    RuntimeException deadlock = null;
    boolean driverInterrupted = false;
    try {
      mainFiber = spawn(main, mainName);
      mainTask = mainFiber;
      boolean mainHandled = false;
      for (; ; ) {
        if (Thread.interrupted()) {
          driverInterrupted = true; // asyncio.run on KeyboardInterrupt: cancel main, finish, report
          mainFiber.cancel();
        }
        if (!mainHandled && mainFiber.isFinished()) {
          mainHandled = true; // main returned: cancel what is left, then wait for it to finish
          for (Fiber f : liveFibers()) {
            f.cancel();
          }
        }
        Fiber next = nextReady();
        if (next != null) {
          handTo(next);
          while (running != null) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
              driverInterrupted = true;
              mainFiber.cancel();
            }
          }
          continue;
        }
        if (live.size() == 0) {
          break;
        }
        if (timerCount > 0) {
          if (virtualTime && offLoopWork.get() == 0) {
            clock = Math.max(clock, heap[0].deadline); // jump straight to the next timer
          } else if (virtualTime) {
            LockSupport.park(this); // toThread work may still wake someone; wait for it first
          } else {
            long wait = heap[0].deadline - now();
            if (wait > 0) {
              LockSupport.parkNanos(this, wait);
            }
          }
          continue;
        }
        if (offLoopWork.get() > 0 || !inbox.isEmpty() || reachableFromOutside()) {
          LockSupport.park(this);
          continue;
        }
        List<Fiber> stuck = liveFibers();
        if (deadlock == null) {
          deadlock = Deadlocks.report(stuck);
        } else if (++deadlockRounds > MAX_DEADLOCK_ROUNDS) {
          break; // the stuck tasks ignore cancellation; leave them parked rather than hang
        }
        for (Fiber f : stuck) {
          f.cancel();
          f.requestInterrupt(); // also reaches a task that was already cancelled and waits again
        }
      }
    } finally {
      elapsedNanos = now();
      runningNow = false;
      activate(false);
      if (carrier != null) {
        carrier.stop();
        carrier = null;
      }
      if (driverInterrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (deadlock != null) {
      if (mainFiber.status() == Fiber.FAILED && mainFiber.failure() != null) {
        deadlock.addSuppressed(mainFiber.failure()); // main's own failure may be the cause
      }
      throw deadlock;
    }
    return mainFiber;
  }

  private void synchronizedStart() {
    if (runningNow) {
      throw new IllegalStateException("this event loop is already running");
    }
    runningNow = true;
    activate(true);
    carrier = Carrier.forLoop();
    driver = Thread.currentThread();
    running = null;
    clock = 0;
    realStart = System.nanoTime();
    timerSeq = 0;
    deadlockRounds = 0;
  }

  /** Whether some waiting task waits on a primitive that a thread outside this loop has used. */
  private boolean reachableFromOutside() {
    for (Fiber f = live.head(); f != null; f = f.nextLive) {
      Waiter w = f.waiter;
      if (w == null || w.queue == null || !w.queue.confinedTo(this)) {
        return true;
      }
    }
    return false;
  }
}
