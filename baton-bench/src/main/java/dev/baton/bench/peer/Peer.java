package dev.baton.bench.peer;

import java.util.List;

/**
 * One way of running the workloads: a Baton mode or a {@code java.util.concurrent} baseline. Each
 * {@link Spec} runs one fresh repetition (new primitives, new tasks) and verifies its invariant,
 * throwing {@link CheckFailed} when it does not hold.
 */
public interface Peer {
  /** The name in RESULT lines: {@code baton-loop}, {@code java-vt-juc-p1}, ... */
  String name();

  /** The workloads this peer implements, for these sizes. */
  List<Spec> specs(Params p);

  /**
   * The untimed memory pass after event_broadcast: heap bytes per parked waiter (heap used after
   * {@code System.gc()} with all waiters parked, minus before, divided by their number); negative
   * if this peer has none.
   */
  double parkedWaiterBytes(Params p) throws Exception;

  /** One workload: its base name, the params column and one repetition. */
  record Spec(String workload, String params, Repetition run) {}

  /** One measured repetition. */
  @FunctionalInterface
  interface Repetition {
    Measured run() throws Exception;
  }
}
