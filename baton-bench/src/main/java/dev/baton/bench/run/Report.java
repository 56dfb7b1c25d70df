package dev.baton.bench.run;

import dev.baton.bench.peer.Params;
import dev.baton.bench.peer.Workloads;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of one {@code bench} run: every peer's RESULT lines, the ratios of each Baton mode to
 * its baseline from the same run, and DESIGN's targets checked against them.
 */
final class Report {
  /** One parsed RESULT line. */
  record Row(
      String peer,
      String workload,
      String params,
      double ops,
      double elapsed,
      String extra,
      boolean ok) {

    static Row parse(String line) {
      if (!line.startsWith("RESULT ")) {
        return null;
      }
      String[] f = line.split(" ", 7);
      if (f.length < 6) {
        return null;
      }
      String extra = f.length == 7 ? f[6] : "";
      if (f[4].equals("FAIL")) {
        return new Row(f[1], f[2], f[3], Double.NaN, Double.NaN, extra, false);
      }
      try {
        return new Row(
            f[1], f[2], f[3], Double.parseDouble(f[4]), Double.parseDouble(f[5]), extra, true);
      } catch (NumberFormatException e) {
        return new Row(f[1], f[2], f[3], Double.NaN, Double.NaN, extra, false);
      }
    }

    /** A {@code key=value} of the extra column, or {@code null}. */
    String extra(String key) {
      for (String kv : extra.split(",")) {
        if (kv.startsWith(key + "=")) {
          return kv.substring(key.length() + 1);
        }
      }
      return null;
    }
  }

  /**
   * One row per (peer, result): the median over rounds of the per-round medians (the mean of the
   * middle two for an even count); extra figures from the row nearest that median, plus {@code
   * rounds=N} when there was more than one.
   */
  static List<Row> medianOfRounds(List<Row> rows) {
    Map<String, List<Row>> byKey = new LinkedHashMap<>();
    for (Row r : rows) {
      byKey.computeIfAbsent(r.peer() + " " + r.workload(), k -> new ArrayList<>()).add(r);
    }
    List<Row> out = new ArrayList<>();
    for (List<Row> l : byKey.values()) {
      if (l.size() == 1) {
        out.add(l.get(0));
        continue;
      }
      Row failed = l.stream().filter(r -> !r.ok()).findFirst().orElse(null);
      if (failed != null) {
        out.add(failed); // one failed verification fails the peer's workload
        continue;
      }
      List<Row> sorted = new ArrayList<>(l);
      sorted.sort((a, b) -> Double.compare(a.ops(), b.ops()));
      int n = sorted.size();
      Row lo = sorted.get((n - 1) / 2);
      Row hi = sorted.get(n / 2);
      out.add(
          new Row(
              lo.peer(),
              lo.workload(),
              lo.params(),
              (lo.ops() + hi.ops()) / 2,
              (lo.elapsed() + hi.elapsed()) / 2,
              lo.extra() + ",rounds=" + n,
              true));
    }
    return out;
  }

  /** One status per peer: the worst status, the total time and the busiest background. */
  static List<PeerStatus> mergeRounds(List<PeerStatus> statuses) {
    Map<String, PeerStatus> byPeer = new LinkedHashMap<>();
    for (PeerStatus s : statuses) {
      PeerStatus prev = byPeer.get(s.peer());
      if (prev == null) {
        byPeer.put(s.peer(), s);
        continue;
      }
      byPeer.put(
          s.peer(),
          new PeerStatus(
              s.peer(),
              prev.status().equals("ok") ? s.status() : prev.status(),
              prev.seconds() + s.seconds(),
              Math.max(prev.bgCpuPct(), s.bgCpuPct())));
    }
    return new ArrayList<>(byPeer.values());
  }

  /** How a child ended, how long it took, and how busy the rest of the machine was meanwhile. */
  record PeerStatus(String peer, String status, double seconds, double bgCpuPct) {}

  /** A ratio column: {@code mode} over {@code baseline}. */
  record Ratio(String mode, String baseline, String label) {}

  static final List<Ratio> RATIOS =
      List.of(
          new Ratio("baton-loop", "java-vt-juc-p1", "loop / juc-p1"),
          new Ratio("baton-loop-carrier", "java-vt-juc-p1", "loop-carrier / juc-p1"),
          new Ratio("baton-async", "java-vt-juc-p1", "async / juc-p1"),
          new Ratio("baton-parallel", "java-vt-juc-p2", "parallel / juc-p2"),
          new Ratio("baton-loop", "python-asyncio", "loop / asyncio"));

  /** The six peer workloads' results the targets are checked on (task_switch has its own). */
  static final List<String> TARGET_WORKLOADS =
      List.of(
          Workloads.LOCK_PINGPONG,
          Workloads.LOCK_CONTENDED,
          Workloads.SEMAPHORE_LIMIT,
          Workloads.EVENT_BROADCAST,
          Workloads.EVENT_BROADCAST_WAKE,
          Workloads.CONDITION_PC,
          Workloads.SPAWN_GATHER);

  static final List<String> PEER_ORDER =
      List.of(
          "python-asyncio",
          "java-vt-juc-p1",
          "baton-loop",
          "baton-loop-carrier",
          "baton-async",
          "java-vt-juc-p2",
          "baton-parallel");

  final String stamp;
  final boolean quick;
  final Params params;
  final List<Row> rows;
  final List<PeerStatus> statuses;

  Report(String stamp, boolean quick, Params params, List<Row> rows, List<PeerStatus> statuses) {
    this.stamp = stamp;
    this.quick = quick;
    this.params = params;
    this.rows = rows;
    this.statuses = statuses;
  }

  int rounds() {
    int n = 1;
    for (Row r : rows) {
      String v = r.extra("rounds");
      if (v != null) {
        n = Math.max(n, Integer.parseInt(v));
      }
    }
    return n;
  }

  Row find(String peer, String workload) {
    for (Row r : rows) {
      if (r.peer().equals(peer) && r.workload().equals(workload)) {
        return r;
      }
    }
    return null;
  }

  /** {@code mode / baseline} in ops/s for {@code workload}, or NaN. */
  double ratio(Ratio r, String workload) {
    Row a = find(r.mode(), workload);
    Row b = find(r.baseline(), workload);
    if (a == null || b == null || !a.ok() || !b.ok() || b.ops() <= 0) {
      return Double.NaN;
    }
    return a.ops() / b.ops();
  }

  List<String> peers() {
    List<String> out = new ArrayList<>();
    for (String p : PEER_ORDER) {
      if (rows.stream().anyMatch(r -> r.peer().equals(p))) {
        out.add(p);
      }
    }
    for (Row r : rows) {
      if (!out.contains(r.peer())) {
        out.add(r.peer());
      }
    }
    return out;
  }

  List<String> workloads() {
    List<String> out = new ArrayList<>();
    for (String w : Workloads.RESULTS) {
      if (rows.stream().anyMatch(r -> r.workload().equals(w))) {
        out.add(w);
      }
    }
    for (Row r : rows) {
      if (!out.contains(r.workload())) {
        out.add(r.workload());
      }
    }
    return out;
  }

  List<Ratio> ratios() {
    List<Ratio> out = new ArrayList<>();
    List<String> peers = peers();
    for (Ratio r : RATIOS) {
      if (peers.contains(r.mode()) && peers.contains(r.baseline())) {
        out.add(r);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- markdown

  String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Baton bench ").append(stamp).append("\n\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "%s sizes; JVM peers: %d warm-up + %d measured runs in-process, median; python: 0 + 3."
                + " Each peer ran in its own process, one after another%s. Ratios compare ops/s"
                + " measured in this run (>1x: Baton is faster).%n%n",
            quick ? "Quick (reduced)" : "Full (DESIGN's)",
            params.warmup,
            params.repeat,
            rounds() > 1
                ? "; " + rounds() + " rounds in alternating order, median of the per-round medians"
                : ""));
    List<String> peers = peers();
    List<Ratio> ratios = ratios();
    sb.append("## Throughput (ops/s, median) and ratios\n\n| workload |");
    for (String p : peers) {
      sb.append(' ').append(p).append(" |");
    }
    for (Ratio r : ratios) {
      sb.append(' ').append(r.label()).append(" |");
    }
    sb.append("\n|---|");
    sb.append("---:|".repeat(peers.size() + ratios.size()));
    sb.append('\n');
    for (String w : workloads()) {
      sb.append("| ").append(w).append(" |");
      for (String p : peers) {
        Row r = find(p, w);
        sb.append(' ').append(r == null ? "—" : r.ok() ? human(r.ops()) : "FAIL").append(" |");
      }
      for (Ratio ra : ratios) {
        sb.append(' ').append(times(ratio(ra, w))).append(" |");
      }
      sb.append('\n');
    }

    sb.append("\n## Other figures\n\n| metric |");
    for (String p : peers) {
      sb.append(' ').append(p).append(" |");
    }
    sb.append("\n|---|").append("---:|".repeat(peers.size())).append('\n');
    metric(sb, peers, "task switch, ns (task_switch)", Workloads.TASK_SWITCH, "ns_per_switch");
    metric(sb, peers, "lock_pingpong handoffs", Workloads.LOCK_PINGPONG, "handoffs");
    metric(sb, peers, "bytes per parked Event waiter", Workloads.EVENT_BROADCAST, "perTaskB");
    sb.append("| peer status |");
    for (String p : peers) {
      PeerStatus s = status(p);
      sb.append(' ').append(s == null ? "—" : s.status()).append(" |");
    }
    sb.append(rounds() > 1 ? "\n| peer wall time, s (all rounds) |" : "\n| peer wall time, s |");
    for (String p : peers) {
      PeerStatus s = status(p);
      sb.append(' ')
          .append(s == null ? "—" : String.format(Locale.ROOT, "%.0f", s.seconds()))
          .append(" |");
    }
    sb.append(
        rounds() > 1
            ? "\n| other processes' CPU meanwhile (busiest round) |"
            : "\n| other processes' CPU meanwhile |");
    for (String p : peers) {
      PeerStatus s = status(p);
      sb.append(' ')
          .append(
              s == null || Double.isNaN(s.bgCpuPct())
                  ? "—"
                  : String.format(Locale.ROOT, "%.0f%%", s.bgCpuPct()))
          .append(" |");
    }
    sb.append("\n\n## Targets (DESIGN, Performance)\n\n");
    if (quick) {
      sb.append(
          "Quick sizes and 1 warm-up: a smoke run, not a measurement of the targets (fixed costs"
              + " and an unwarmed JIT dominate). Run without --quick for that.\n\n");
    }
    for (String t : targets()) {
      sb.append("- ").append(t).append('\n');
    }
    sb.append(
        "- uncontended Lock within 1.3x ReentrantLock: measured by JMH, not here"
            + " (`./baton bench` does not run it; see `jmh UncontendedBench`)\n");
    return sb.toString();
  }

  private PeerStatus status(String peer) {
    for (PeerStatus s : statuses) {
      if (s.peer().equals(peer)) {
        return s;
      }
    }
    return null;
  }

  private void metric(
      StringBuilder sb, List<String> peers, String label, String workload, String key) {
    if (peers.stream()
        .map(p -> find(p, workload))
        .noneMatch(r -> r != null && r.extra(key) != null)) {
      return; // nobody measured it in this run
    }
    sb.append("| ").append(label).append(" |");
    for (String p : peers) {
      Row r = find(p, workload);
      String v = r == null ? null : r.extra(key);
      if (v != null && v.contains("(")) {
        v = v.substring(0, v.indexOf('('));
      }
      sb.append(' ').append(v == null ? "—" : v).append(" |");
    }
    sb.append('\n');
  }

  /** Each target with MET / MISSED and the evidence. */
  List<String> targets() {
    List<String> out = new ArrayList<>();
    for (String loop : List.of("baton-loop", "baton-loop-carrier")) {
      String label = loop.equals("baton-loop") ? "loop" : "loop (own carrier)";
      checkRatio(out, new Ratio(loop, "python-asyncio", ""), 10.0, label + " >= 10x asyncio");
      checkRatio(out, new Ratio(loop, "java-vt-juc-p1", ""), 1.0, label + " >= juc p1");
    }
    checkRatio(out, new Ratio("baton-parallel", "java-vt-juc-p2", ""), 1.0, "parallel >= juc p2");
    for (String loop : List.of("baton-loop", "baton-loop-carrier")) {
      Row ts = find(loop, Workloads.TASK_SWITCH);
      if (ts == null || !ts.ok()) {
        continue;
      }
      double ns = Double.parseDouble(ts.extra("ns_per_switch"));
      Row py = find("python-asyncio", Workloads.TASK_SWITCH);
      String vsPy =
          py != null && py.ok()
              ? String.format(Locale.ROOT, "; asyncio sleep(0): %s ns", py.extra("ns_per_switch"))
              : "";
      out.add(
          String.format(
              Locale.ROOT,
              "%s: %s task switch < 250 ns: %.0f ns%s",
              ns < 250 ? "MET" : "MISSED",
              loop,
              ns,
              vsPy));
    }
    for (String peer : List.of("baton-loop", "baton-loop-carrier", "baton-parallel")) {
      Row ev = find(peer, Workloads.EVENT_BROADCAST);
      String v = ev == null ? null : ev.extra("perTaskB");
      if (v != null && !v.startsWith("error")) {
        double b = Double.parseDouble(v.replaceAll("\\(.*", ""));
        out.add(
            String.format(
                Locale.ROOT,
                "%s: %s bytes per parked Event waiter <= ~780 B (800 allowed): %.0f B",
                b <= 800 ? "MET" : "MISSED",
                peer,
                b));
      }
    }
    return out;
  }

  private void checkRatio(List<String> out, Ratio r, double min, String label) {
    Map<String, Double> misses = new LinkedHashMap<>();
    int checked = 0;
    for (String w : TARGET_WORKLOADS) {
      double x = ratio(r, w);
      if (Double.isNaN(x)) {
        continue;
      }
      checked++;
      if (x < min) {
        misses.put(w, x);
      }
    }
    if (checked == 0) {
      return;
    }
    if (misses.isEmpty()) {
      out.add("MET: " + label + " on all " + checked + " workloads measured");
      return;
    }
    StringBuilder sb = new StringBuilder("MISSED: " + label + " on " + misses.size() + " of ");
    sb.append(checked).append(" workloads (");
    String sep = "";
    for (Map.Entry<String, Double> e : misses.entrySet()) {
      sb.append(sep).append(e.getKey()).append(' ').append(times(e.getValue()));
      sep = ", ";
    }
    out.add(sb.append(')').toString());
  }

  // ---------------------------------------------------------------- tsv

  String tsv() {
    StringBuilder sb =
        new StringBuilder(
            "stamp\tpeer\tworkload\tparams\tops_per_sec\telapsed_s\textra\tstatus\tbg_cpu_pct\n");
    for (Row r : rows) {
      PeerStatus s = status(r.peer());
      sb.append(stamp)
          .append('\t')
          .append(r.peer())
          .append('\t')
          .append(r.workload())
          .append('\t')
          .append(r.params())
          .append('\t')
          .append(r.ok() ? String.format(Locale.ROOT, "%.1f", r.ops()) : "FAIL")
          .append('\t')
          .append(r.ok() ? String.format(Locale.ROOT, "%.4f", r.elapsed()) : "NaN")
          .append('\t')
          .append(r.extra())
          .append('\t')
          .append(!r.ok() ? "FAIL" : s == null ? "ok" : s.status())
          .append('\t')
          .append(s == null ? "" : String.format(Locale.ROOT, "%.1f", s.bgCpuPct()))
          .append('\n');
    }
    for (PeerStatus s : statuses) {
      if (!s.status().equals("ok") && rows.stream().noneMatch(r -> r.peer().equals(s.peer()))) {
        sb.append(stamp)
            .append('\t')
            .append(s.peer())
            .append("\t*\t\tNaN\tNaN\t\t")
            .append(s.status())
            .append('\t')
            .append(String.format(Locale.ROOT, "%.1f", s.bgCpuPct()))
            .append('\n');
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- formatting

  static String human(double v) {
    if (Double.isNaN(v)) {
      return "—";
    }
    if (v >= 1e6) {
      return String.format(Locale.ROOT, "%.2fM", v / 1e6);
    }
    if (v >= 1e3) {
      return String.format(Locale.ROOT, "%.0fk", v / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f", v);
  }

  static String times(double x) {
    if (Double.isNaN(x)) {
      return "—";
    }
    return String.format(Locale.ROOT, x >= 10 ? "%.0fx" : "%.2fx", x);
  }
}
