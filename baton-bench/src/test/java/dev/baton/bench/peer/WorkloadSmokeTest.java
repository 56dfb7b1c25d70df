package dev.baton.bench.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs every peer's workloads in this JVM at tiny sizes and checks that each invariant held (the
 * workloads verify themselves and report {@code FAIL} otherwise). Asserts nothing about speed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkloadSmokeTest {

  private static List<PeerHarness.Result> runTiny(Peer peer) {
    Params p = new Params().tiny();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    List<PeerHarness.Result> results = PeerHarness.run(peer, p, ps, ps);
    for (PeerHarness.Result r : results) {
      assertTrue(r.ok(), () -> r.line() + "\n" + out.toString(StandardCharsets.UTF_8));
      assertTrue(r.opsPerSec() > 0, r::line);
    }
    return results;
  }

  private static List<String> names(List<PeerHarness.Result> results) {
    return results.stream().map(PeerHarness.Result::workload).toList();
  }

  private static final List<String> ALL_BATON =
      List.of(
          "lock_pingpong",
          "lock_contended",
          "semaphore_limit",
          "event_broadcast",
          "event_broadcast_wake",
          "condition_pc",
          "spawn_gather",
          "task_switch");

  @Test
  void loop_everyWorkloadHoldsItsInvariant() {
    List<PeerHarness.Result> results = runTiny(new BatonPeer(BatonPeer.Mode.LOOP));
    assertEquals(ALL_BATON, names(results));
    // the loop is FIFO and the lock hands over directly: pingpong alternates strictly
    PeerHarness.Result pp = results.get(0);
    assertTrue(pp.extra().contains("handoffs=200"), pp::line);
  }

  @Test
  void parallel_everyWorkloadHoldsItsInvariant() {
    assertEquals(ALL_BATON, names(runTiny(new BatonPeer(BatonPeer.Mode.PARALLEL))));
  }

  @Test
  void async_everyWorkloadHoldsItsInvariant() {
    List<PeerHarness.Result> results = runTiny(new AsyncPeer());
    assertEquals(
        List.of(
            "lock_pingpong",
            "lock_contended",
            "semaphore_limit",
            "event_broadcast",
            "event_broadcast_wake"),
        names(results));
    assertTrue(results.get(0).extra().contains("handoffs=200"), results.get(0)::line);
  }

  @Test
  void juc_everyWorkloadHoldsItsInvariant() {
    List<PeerHarness.Result> results = runTiny(new JucPeer("java-vt-juc-test"));
    assertEquals(
        List.of(
            "lock_pingpong",
            "lock_pingpong_nonfair",
            "lock_contended",
            "lock_contended_nonfair",
            "semaphore_limit",
            "event_broadcast",
            "event_broadcast_wake",
            "condition_pc",
            "condition_pc_fairlock",
            "spawn_gather",
            "task_switch"),
        names(results));
  }

  @Test
  void memoryPass_reportsBytesPerParkedWaiter() {
    Params p = new Params().tiny();
    p.memoryPass = true;
    p.workloads = List.of("event_broadcast");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    for (Peer peer : List.of(new BatonPeer(BatonPeer.Mode.LOOP), new AsyncPeer())) {
      List<PeerHarness.Result> results = PeerHarness.run(peer, p, ps, ps);
      assertEquals(2, results.size());
      assertTrue(results.get(0).extra().contains("perTaskB="), results.get(0)::line);
      assertFalse(results.get(0).extra().contains("perTaskB=error"), results.get(0)::line);
    }
  }

  @Test
  void aViolatedInvariant_printsFail() {
    Peer broken =
        new Peer() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public List<Spec> specs(Params p) {
            return List.of(
                new Spec(
                    "lock_contended",
                    "tasks=1",
                    () -> {
                      CheckFailed.check(false, "counter=1 expected 2");
                      return Measured.of("lock_contended", 1, 1);
                    }));
          }

          @Override
          public double parkedWaiterBytes(Params p) {
            return -1;
          }
        };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    List<PeerHarness.Result> results = PeerHarness.run(broken, new Params().tiny(), ps, ps);
    assertEquals(1, results.size());
    assertFalse(results.get(0).ok());
    assertEquals(
        "RESULT broken lock_contended tasks=1 FAIL NaN error=verify:counter=1_expected_2",
        results.get(0).line());
  }
}
