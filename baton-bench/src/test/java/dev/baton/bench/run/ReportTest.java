package dev.baton.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.bench.peer.Params;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table, TSV and chart of a bench run, from RESULT lines (format only, no timing). */
class ReportTest {
  private static final List<String> LINES =
      List.of(
          "RESULT java-vt-juc-p1 lock_pingpong tasks=2 2000000.0 0.1000 best=1,runs=5,stat=median,handoffs=200000",
          "RESULT baton-loop lock_pingpong tasks=2 4000000.0 0.0500 best=1,runs=5,stat=median,handoffs=200000",
          "RESULT python-asyncio lock_pingpong tasks=2 200000.0 1.0000 best=1,runs=3,stat=median",
          "RESULT java-vt-juc-p1 task_switch tasks=2 5000000.0 0.0400 ns_per_switch=200.0",
          "RESULT baton-loop task_switch tasks=2 2000000.0 0.1000 ns_per_switch=500.0",
          "RESULT java-vt-juc-p2 condition_pc items=1 1000000.0 1.0000 runs=5",
          "RESULT baton-parallel condition_pc items=1 FAIL NaN error=verify:sum=1",
          "RESULT baton-loop event_broadcast tasks=1 1000.0 1.0 perTaskB=900(heap-after-GC)",
          "# not a result");

  private static Report report() {
    List<Report.Row> rows = new ArrayList<>();
    for (String l : LINES) {
      Report.Row r = Report.Row.parse(l);
      if (r != null) {
        rows.add(r);
      }
    }
    List<Report.PeerStatus> st =
        List.of(
            new Report.PeerStatus("baton-loop", "ok", 10, 1.5),
            new Report.PeerStatus("baton-parallel", "FAIL", 10, 0.5));
    return new Report("2026-01-01T000000Z", true, new Params(), rows, st);
  }

  private static Report.Ratio ratio(String label) {
    return Report.RATIOS.stream().filter(x -> x.label().equals(label)).findFirst().orElseThrow();
  }

  @Test
  void ratiosComeFromTheSameRun() {
    Report r = report();
    assertEquals(8, r.rows.size());
    assertEquals(2.0, r.ratio(ratio("loop / juc-p1"), "lock_pingpong"), 1e-9);
    assertEquals(20.0, r.ratio(ratio("loop / asyncio"), "lock_pingpong"), 1e-9);
    assertTrue(Double.isNaN(r.ratio(ratio("parallel / juc-p2"), "condition_pc"))); // FAIL
  }

  @Test
  void markdown_hasTheTableAndTheTargets() {
    String md = report().markdown();
    assertTrue(md.contains("| lock_pingpong | 200k | 2.00M | 4.00M |"), md);
    assertTrue(md.contains("MET: loop >= 10x asyncio on all 1 workloads measured"), md);
    assertTrue(md.contains("MISSED: baton-loop task switch < 250 ns: 500 ns"), md);
    assertTrue(md.contains("MISSED: baton-loop bytes per parked Event waiter"), md);
    assertTrue(md.contains("| FAIL |"), md);
  }

  @Test
  void tsvAndSvg_areWellFormed() {
    Report r = report();
    String[] tsv = r.tsv().split("\n");
    assertEquals(9, tsv.length);
    for (String line : tsv) {
      assertEquals(9, line.split("\t", -1).length, line);
    }
    String svg = new SvgChart(r).render();
    assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
    assertTrue(svg.trim().endsWith("</svg>"), svg);
    assertTrue(svg.contains("loop / juc-p1"), svg);
    assertFalse(svg.contains("NaN"), svg);
  }

  @Test
  void rounds_reportTheMedianOfThePerRoundMedians() {
    List<Report.Row> rows = new ArrayList<>();
    for (String ops : List.of("3000.0", "1000.0", "2000.0")) {
      rows.add(
          Report.Row.parse("RESULT baton-loop lock_pingpong tasks=2 " + ops + " 1.0 handoffs=2"));
    }
    rows.add(Report.Row.parse("RESULT baton-loop spawn_gather tasks=2 10.0 1.0 runs=5"));
    rows.add(Report.Row.parse("RESULT baton-loop spawn_gather tasks=2 FAIL NaN error=verify:x"));
    List<Report.Row> merged = Report.medianOfRounds(rows);
    assertEquals(2, merged.size());
    assertEquals(2000.0, merged.get(0).ops(), 1e-9);
    assertEquals("3", merged.get(0).extra("rounds"));
    assertFalse(merged.get(1).ok()); // a failure in any round fails the row
  }
}
