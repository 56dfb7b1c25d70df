package dev.baton.bench.run;

import dev.baton.bench.peer.Params;
import dev.baton.bench.peer.Workloads;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./baton bench [workload...] [--quick] [options]}: runs every peer in a JVM of its own (the
 * {@code java.util.concurrent} baselines with one and two carriers, Baton's loop, async and
 * parallel modes) plus CPython asyncio when {@code python3} is there, collects their RESULT lines
 * and reports each Baton mode as a ratio to the baseline of the same run: loop and async vs {@code
 * java-vt-juc-p1}, parallel vs {@code java-vt-juc-p2}.
 *
 * <p>Output: a table on stdout and {@code bench-results/bench-<stamp>.md}, {@code .tsv} and {@code
 * .svg} (a bar chart of the ratios), plus the children's logs in {@code
 * bench-results/bench-<stamp>/}.
 */
public final class BenchCommand {
  private BenchCommand() {}

  /** The child running now: destroyed if the bench itself is stopped (Ctrl-C), not orphaned. */
  private static volatile Process current;

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  Process p = current;
                  if (p != null) {
                    p.destroyForcibly();
                  }
                },
                "bench-child-reaper"));
  }

  /** A child process: the peer's name and whether it is the python one. */
  record PeerRun(String name, List<String> jvmFlags, boolean python) {}

  static final List<String> DEFAULT_PEERS =
      List.of(
          "java-vt-juc-p1",
          "baton-loop",
          "baton-loop-carrier",
          "baton-async",
          "java-vt-juc-p2",
          "baton-parallel",
          "python-asyncio");

  /**
   * The core's opt-in carrier of the loop's own ({@code dev.baton.internal.Carrier}): the same
   * baton-loop code, its tasks' continuations queued on one platform thread.
   */
  static final List<String> LOOP_CARRIER_FLAGS =
      List.of("-Dbaton.carrier=loop", "--add-opens", "java.base/java.lang=ALL-UNNAMED");

  static final String USAGE =
      """
      usage: ./baton bench [workload...] [--quick] [options]

        workload      any of: %s (default: all)
        --quick       reduced sizes, 1 warm-up + 3 measured runs: finishes in under a minute
        --peers a,b   which peers (default: %s)
        --no-asyncio  skip the CPython asyncio peer
        --python P    the python for the asyncio peer (default /usr/bin/python3, else python3)
        --jvm-opts S  options for every child JVM (default "-Xms1g -Xmx4g", as the peer harness)
        --out DIR     where results go (default bench-results)
        --timeout S   seconds per child before it is killed (default 600, quick 120)
        --quiet-wait S  wait up to S seconds for a quiet machine before each child (default 60,
                      quick 0)
        --rounds N    run every peer N times (alternating the order) and report the median
                      of the per-run medians: steadier on a busy machine (default 1)
        --warmup N --repeat N, and the peer harness's size flags (--pingpong-acq, --sem-tasks, ...)
      """;

  public static int main(String[] args) throws Exception {
    Params p = new Params();
    List<String> workloads = new ArrayList<>();
    List<String> peers = new ArrayList<>(DEFAULT_PEERS);
    String python = null;
    String jvmOpts = "-Xms1g -Xmx4g";
    Path out = Path.of("bench-results");
    boolean quick = false;
    boolean asyncio = true;
    int timeout = -1;
    int quietWait = -1;
    int rounds = 1;
    // --quick first, so explicit sizes after it still win wherever they are written
    for (String a : args) {
      if (a.equals("--quick")) {
        quick = true;
        p.quick();
      }
    }
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--quick" -> {}
          case "-h", "--help", "help" -> {
            System.out.print(usage());
            return 0;
          }
          case "--no-asyncio" -> asyncio = false;
          case "--peers" -> peers = new ArrayList<>(Arrays.asList(value(args, ++i, a).split(",")));
          case "--python" -> python = value(args, ++i, a);
          case "--jvm-opts" -> jvmOpts = value(args, ++i, a);
          case "--out" -> out = Path.of(value(args, ++i, a));
          case "--timeout" -> timeout = Integer.parseInt(value(args, ++i, a));
          case "--quiet-wait" -> quietWait = Integer.parseInt(value(args, ++i, a));
          case "--rounds" -> rounds = Math.max(1, Integer.parseInt(value(args, ++i, a)));
          default -> {
            if (!a.startsWith("--")) {
              for (String w : a.split(",")) {
                if (!Workloads.BASE.contains(w)) {
                  throw new IllegalArgumentException(
                      "unknown workload " + w + "; known: " + Workloads.BASE);
                }
                workloads.add(w);
              }
              continue;
            }
            int used = p.parse(args, i);
            if (used == 0 || a.equals("--workloads")) {
              throw new IllegalArgumentException("unknown option " + a);
            }
            i += used - 1;
          }
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.print(usage());
      return 2;
    }
    if (!workloads.isEmpty()) {
      p.workloads = workloads;
    }
    if (timeout < 0) {
      timeout = quick ? 120 : 600;
    }
    if (quietWait < 0) {
      quietWait = quick ? 0 : 60;
    }
    if (!asyncio) {
      peers.remove("python-asyncio");
    }
    String py = null;
    if (peers.contains("python-asyncio")) {
      py = python != null ? python : findPython();
      if (py == null) {
        System.err.println("bench: no python3 found; the python-asyncio column is skipped");
        peers.remove("python-asyncio");
      }
    }

    String stamp =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    if (quick) {
      stamp = "quick-" + stamp;
    }
    Path logDir = out.resolve("bench-" + stamp);
    Files.createDirectories(logDir);
    String java = ProcessHandle.current().info().command().orElse(javaFromHome());
    String classpath = System.getProperty("java.class.path");
    PrintStream con = System.out;
    con.printf(
        "bench: %d peers x %d round(s), %s sizes, warmup=%d repeat=%d, java=%s%n",
        peers.size(), rounds, quick ? "quick" : "full", p.warmup, p.repeat, java);

    List<Report.Row> rows = new ArrayList<>();
    List<Report.PeerStatus> statuses = new ArrayList<>();
    Path script = null;
    List<String> order = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      // every other round backwards, so no peer always runs first or last
      List<String> inRound = new ArrayList<>(peers);
      if (round % 2 == 0) {
        Collections.reverse(inRound);
      }
      for (String peer : inRound) {
        order.add(rounds == 1 ? peer : peer + "#" + round);
      }
    }
    for (String run : order) {
      String peer = run.contains("#") ? run.substring(0, run.indexOf('#')) : run;
      String logName = run.replace('#', '-');
      List<String> cmd = new ArrayList<>();
      if (peer.equals("python-asyncio")) {
        if (script == null) {
          script = extractPythonPeer(logDir);
        }
        cmd.add(py);
        cmd.add(script.toString());
        cmd.addAll(pythonArgs(p));
      } else {
        cmd.add(java);
        cmd.addAll(splitOpts(jvmOpts));
        if (peer.matches("java-vt-juc-p\\d+")) {
          cmd.add("-Djdk.virtualThreadScheduler.parallelism=" + peer.substring(13));
        }
        if (peer.equals("baton-loop-carrier")) {
          cmd.addAll(LOOP_CARRIER_FLAGS);
        }
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add("dev.baton.bench.Main");
        cmd.add("peer");
        cmd.add(peer);
        cmd.addAll(p.toArgs());
      }
      double waited = Machine.waitForQuiet(quietWait, 15.0);
      con.printf(
          "bench: running %s%s%n",
          run,
          waited > 0
              ? String.format(Locale.ROOT, " (waited %.0f s for a quiet machine)", waited)
              : "");
      Report.PeerStatus st = runChild(peer, logName, cmd, logDir, timeout, rows, con);
      statuses.add(st);
    }

    Report report =
        new Report(stamp, quick, p, Report.medianOfRounds(rows), Report.mergeRounds(statuses));
    String md = report.markdown();
    con.println();
    con.print(md);
    Path base = out.resolve("bench-" + stamp);
    Files.writeString(Path.of(base + ".md"), md, StandardCharsets.UTF_8);
    Files.writeString(Path.of(base + ".tsv"), report.tsv(), StandardCharsets.UTF_8);
    Files.writeString(
        Path.of(base + ".svg"), new SvgChart(report).render(), StandardCharsets.UTF_8);
    con.printf("%nwrote %s.md, .tsv, .svg (logs in %s/)%n", base, logDir);
    boolean failed = statuses.stream().anyMatch(s -> !s.status().equals("ok"));
    return failed ? 1 : 0;
  }

  public static String usage() {
    return USAGE.formatted(String.join(" ", Workloads.BASE), String.join(",", DEFAULT_PEERS));
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static List<String> splitOpts(String opts) {
    List<String> l = new ArrayList<>();
    for (String s : opts.trim().split("\\s+")) {
      if (!s.isEmpty()) {
        l.add(s);
      }
    }
    return l;
  }

  private static String javaFromHome() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String findPython() {
    if (Files.isExecutable(Path.of("/usr/bin/python3"))) {
      return "/usr/bin/python3";
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path c = Path.of(dir, "python3");
        if (Files.isExecutable(c)) {
          return c.toString();
        }
      }
    }
    return null;
  }

  /** The asyncio peer ships inside this module; write it next to the logs to run it. */
  static Path extractPythonPeer(Path dir) throws IOException {
    Path script = dir.resolve("asyncio_peer.py");
    try (InputStream in =
        BenchCommand.class.getResourceAsStream("/dev/baton/bench/python/asyncio_peer.py")) {
      if (in == null) {
        throw new IOException("asyncio_peer.py is missing from the classpath");
      }
      Files.write(script, in.readAllBytes());
    }
    return script;
  }

  /** Python has no JIT: no warm-up, median of 3 (the peer harness's choice). */
  static List<String> pythonArgs(Params p) {
    List<String> args = new ArrayList<>(p.toArgs());
    int w = args.indexOf("--warmup");
    args.set(w + 1, "0");
    int r = args.indexOf("--repeat");
    args.set(r + 1, "3");
    return args;
  }

  private static Report.PeerStatus runChild(
      String peer,
      String logName,
      List<String> cmd,
      Path logDir,
      int timeoutSec,
      List<Report.Row> rows,
      PrintStream con)
      throws IOException, InterruptedException {
    Path err = logDir.resolve(logName + ".err");
    Path outLog = logDir.resolve(logName + ".out");
    Files.writeString(logDir.resolve(logName + ".cmd"), String.join(" ", cmd) + "\n");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
    Machine.CpuSample before = Machine.sample();
    long t0 = System.nanoTime();
    Process proc = pb.start();
    current = proc;
    Machine.ChildCpu childCpu = new Machine.ChildCpu(proc.pid());
    Thread sampler = Thread.ofPlatform().daemon().start(childCpu);
    List<String> lines = new ArrayList<>();
    Thread reader =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                      synchronized (lines) {
                        lines.add(line);
                      }
                      if (line.startsWith("RESULT ")) {
                        con.println("  " + line);
                      } else if (line.startsWith("#")) {
                        con.println("  " + line);
                      }
                    }
                  } catch (IOException e) {
                    con.println("  (lost output of " + peer + ": " + e + ")");
                  }
                });
    String status;
    if (!proc.waitFor(timeoutSec, TimeUnit.SECONDS)) {
      proc.destroyForcibly();
      proc.waitFor();
      status = "TIMEOUT(" + timeoutSec + "s)";
    } else {
      status = proc.exitValue() == 0 ? "ok" : "EXIT(" + proc.exitValue() + ")";
    }
    current = null;
    reader.join(5000);
    childCpu.stop();
    sampler.join(1000);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Machine.CpuSample after = Machine.sample();
    List<String> copy;
    synchronized (lines) {
      copy = new ArrayList<>(lines);
    }
    long childTicks = childCpu.lastTicks();
    for (String line : copy) {
      if (line.startsWith("# cpu_s=")) { // the child's own total, exact where sampling lags
        long reported = Math.round(Double.parseDouble(line.substring(8)) * Machine.TICKS_PER_S);
        childTicks = Math.max(childTicks, reported);
      }
    }
    double bgPct = Machine.backgroundPercent(before, after, childTicks);
    Files.write(outLog, copy, StandardCharsets.UTF_8);
    int n = 0;
    for (String line : copy) {
      Report.Row row = Report.Row.parse(line);
      if (row != null) {
        rows.add(row);
        n++;
        if (!row.ok()) {
          status = status.equals("ok") ? "FAIL" : status;
        }
      }
    }
    if (n == 0 && status.equals("ok")) {
      status = "NO-RESULTS";
    }
    if (!status.equals("ok")) {
      con.printf("bench: %s: %s (see %s)%n", peer, status, err);
    }
    return new Report.PeerStatus(peer, status, seconds, bgPct);
  }
}
