package dev.baton.internal;

import java.util.Optional;
import java.util.Set;

/** Finds the first stack frame outside Baton and the JDK: where user code called in. */
public final class CallSite {
  private static final StackWalker WALKER = StackWalker.getInstance();

  private CallSite() {}

  /** {@code File.java:line} of the user code that called into Baton on this thread. */
  public static String ofCaller() {
    Optional<String> site =
        WALKER.walk(
            frames ->
                frames
                    .filter(f -> isUserFrame(f.getClassName()))
                    .findFirst()
                    .map(f -> f.getFileName() + ":" + f.getLineNumber()));
    return site.orElse("unknown location");
  }

  /** The same, from a captured stack (a parked thread's). */
  public static String of(StackTraceElement[] stack) {
    for (StackTraceElement e : stack) {
      if (isUserFrame(e.getClassName())) {
        return e.getFileName() + ":" + e.getLineNumber();
      }
    }
    return "unknown location";
  }

  /**
   * The same as {@link #of}, with the method where it helps: {@code
   * Consumer.run(Consumer.java:20)}, or just {@code Consumer.java:20} inside a lambda.
   */
  public static String frameOf(StackTraceElement[] stack) {
    for (StackTraceElement e : stack) {
      if (isUserFrame(e.getClassName())) {
        String site = e.getFileName() + ":" + e.getLineNumber();
        if (e.getMethodName().startsWith("lambda$")) {
          return site;
        }
        String cls = e.getClassName();
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + e.getMethodName() + "(" + site + ")";
      }
    }
    return "unknown location";
  }

  /** The Baton API call the user frame made ({@code "Condition.await"}), or {@code null}. */
  public static String apiCall(StackTraceElement[] stack) {
    String last = null;
    for (StackTraceElement e : stack) {
      String cls = e.getClassName();
      if (isUserFrame(cls)) {
        return last;
      }
      if (cls.startsWith("dev.baton.") && !cls.startsWith("dev.baton.internal.")) {
        last = cls.substring(cls.lastIndexOf('.') + 1).replace('$', '.') + "." + e.getMethodName();
      }
    }
    return last;
  }

  private static boolean isUserFrame(String cls) {
    if (cls.startsWith("dev.baton.internal.")
        || cls.startsWith("java.")
        || cls.startsWith("jdk.")
        || cls.startsWith("sun.")) {
      return false;
    }
    if (cls.startsWith("dev.baton.") && cls.indexOf('.', API_PREFIX) < 0) {
      int nested = cls.indexOf('$');
      String simple = cls.substring(API_PREFIX, nested < 0 ? cls.length() : nested);
      return !API.contains(simple);
    }
    return true;
  }

  private static final int API_PREFIX = "dev.baton.".length();

  /** The public API classes: frames in them are Baton's, not the caller's. */
  private static final Set<String> API =
      Set.of(
          "Baton",
          "EventLoop",
          "Task",
          "TaskGroup",
          "Event",
          "Lock",
          "Semaphore",
          "BoundedSemaphore",
          "Condition",
          "Barrier",
          "Queue",
          "PriorityQueue",
          "LifoQueue",
          "ReadWriteLock",
          "Held");
}
