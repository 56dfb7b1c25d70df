package dev.baton.bench.peer;

import java.util.List;

/** The workload names, in report order. */
public final class Workloads {
  private Workloads() {}

  public static final String LOCK_PINGPONG = "lock_pingpong";
  public static final String LOCK_CONTENDED = "lock_contended";
  public static final String SEMAPHORE_LIMIT = "semaphore_limit";
  public static final String EVENT_BROADCAST = "event_broadcast";
  public static final String EVENT_BROADCAST_WAKE = "event_broadcast_wake";
  public static final String CONDITION_PC = "condition_pc";
  public static final String SPAWN_GATHER = "spawn_gather";

  /** Not one of the peer six: two tasks yielding to each other; reported in ns per switch. */
  public static final String TASK_SWITCH = "task_switch";

  /** The names {@code ./baton bench} accepts (event_broadcast also yields event_broadcast_wake). */
  public static final List<String> BASE =
      List.of(
          LOCK_PINGPONG,
          LOCK_CONTENDED,
          SEMAPHORE_LIMIT,
          EVENT_BROADCAST,
          CONDITION_PC,
          SPAWN_GATHER,
          TASK_SWITCH);

  /** Every result name a peer may print, in table order. */
  public static final List<String> RESULTS =
      List.of(
          LOCK_PINGPONG,
          LOCK_PINGPONG + "_nonfair",
          LOCK_CONTENDED,
          LOCK_CONTENDED + "_nonfair",
          SEMAPHORE_LIMIT,
          EVENT_BROADCAST,
          EVENT_BROADCAST_WAKE,
          CONDITION_PC,
          CONDITION_PC + "_fairlock",
          SPAWN_GATHER,
          TASK_SWITCH);

  /** The base workload a result belongs to ({@code lock_pingpong_nonfair} to lock_pingpong). */
  public static String baseOf(String result) {
    if (result.equals(EVENT_BROADCAST_WAKE)) {
      return EVENT_BROADCAST;
    }
    if (result.endsWith("_fairlock")) {
      return result.substring(0, result.length() - 9);
    }
    return result.endsWith("_nonfair") ? result.substring(0, result.length() - 8) : result;
  }
}
