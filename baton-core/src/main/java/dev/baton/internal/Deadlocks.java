package dev.baton.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the deadlock report: who is stuck, in which call, on what, at which line, held by whom,
 * and, where the cause is recognisable, why (a lost signal, a cycle of locks).
 */
final class Deadlocks {
  private Deadlocks() {}

  /** Describes the stuck tasks; the loop throws the result after cancelling them. */
  static RuntimeException report(List<Fiber> stuck) {
    Map<Thread, Fiber> byThread = new HashMap<>();
    for (Fiber f : stuck) {
      byThread.put(f.thread, f);
    }
    StringBuilder sb = new StringBuilder();
    sb.append("deadlock: no task can ever proceed; cancelled ")
        .append(stuck.size())
        .append(stuck.size() == 1 ? " stuck task" : " stuck tasks");
    List<String> causes = new ArrayList<>();
    for (Fiber f : stuck) {
      Waiter w = f.waiter;
      StackTraceElement[] stack = f.thread.getStackTrace();
      String site = CallSite.of(stack);
      String call = CallSite.apiCall(stack);
      sb.append("\n  ").append(f).append(" waits");
      if (call != null) {
        sb.append(" in ").append(call);
      }
      sb.append(" at ").append(CallSite.frameOf(stack));
      Object p = w == null || w.queue == null ? null : w.queue.primitive();
      if (p instanceof Fiber other) {
        sb.append(": waits for ").append(other).append(" to finish");
      } else if (p instanceof Diagnosable d) {
        sb.append(": ").append(d.kind()).append(" (").append(d.describe()).append(")");
        String lost = w.queue.unheardSignalSite();
        if (lost != null) {
          causes.add(
              "the "
                  + (d.kind().equals("Event") ? "set()" : "signal")
                  + " at "
                  + lost
                  + " came before the wait at "
                  + site
                  + " and was lost: nobody waited on the "
                  + d.kind()
                  + " when it was sent; "
                  + d.lostSignalAdvice());
        }
      } else if (p != null) {
        sb.append(": ").append(p);
      }
    }
    String cycle = lockCycle(stuck, byThread);
    if (cycle != null) {
      causes.add(cycle);
    }
    for (String c : causes) {
      sb.append("\n  cause: ").append(c);
    }
    return new dev.baton.DeadlockException(sb.toString());
  }

  /** A cycle of tasks, each waiting for a lock the next one holds, in words; or {@code null}. */
  private static String lockCycle(List<Fiber> stuck, Map<Thread, Fiber> byThread) {
    for (Fiber start : stuck) {
      Set<Fiber> path = new LinkedHashSet<>();
      Fiber f = start;
      while (f != null && path.add(f)) {
        f = holderOfWhatItWaitsFor(f, byThread);
      }
      if (f != null && f == start) {
        StringBuilder sb = new StringBuilder("a cycle of locks: ");
        for (Fiber x : path) {
          Fiber next = holderOfWhatItWaitsFor(x, byThread);
          sb.append(x).append(" holds a lock and waits for one held by ").append(next).append("; ");
        }
        sb.append("acquire locks in one global order to break it");
        return sb.toString();
      }
    }
    return null;
  }

  private static Fiber holderOfWhatItWaitsFor(Fiber f, Map<Thread, Fiber> byThread) {
    Waiter w = f.waiter;
    if (w == null || w.queue == null || !(w.queue.primitive() instanceof Diagnosable d)) {
      return null;
    }
    Thread holder = d.holder();
    return holder == null ? null : byThread.get(holder);
  }
}
