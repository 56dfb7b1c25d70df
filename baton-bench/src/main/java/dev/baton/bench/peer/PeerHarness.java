package dev.baton.bench.peer;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs one peer's workloads in this JVM the way the peer harness does: per workload, {@code warmup}
 * discarded repetitions, then {@code repeat} measured ones; prints the median as {@code RESULT
 * <peer> <workload> <params> <ops_per_sec> <elapsed_s> <extra>} and each repetition to the log. A
 * workload whose invariant fails prints {@code FAIL} instead of a number.
 */
public final class PeerHarness {
  private PeerHarness() {}

  /** One RESULT line. {@code ok} is false for a failed verification (or a crash). */
  public record Result(
      String peer,
      String workload,
      String params,
      double opsPerSec,
      double elapsedS,
      String extra,
      boolean ok) {

    public String line() {
      if (!ok) {
        return "RESULT " + peer + " " + workload + " " + params + " FAIL NaN " + extra;
      }
      return String.format(
          Locale.ROOT,
          "RESULT %s %s %s %.1f %.4f %s",
          peer,
          workload,
          params,
          opsPerSec,
          elapsedS,
          extra);
    }
  }

  /** The header line each peer prints first. */
  public static String header(Peer peer, Params p) {
    String par =
        System.getProperty(
            "jdk.virtualThreadScheduler.parallelism",
            Runtime.getRuntime().availableProcessors() + " (default)");
    return "# "
        + peer.name()
        + ": Java "
        + Runtime.version()
        + " "
        + System.getProperty("java.vm.name")
        + ", carriers(parallelism)="
        + par
        + ", maxHeap="
        + (Runtime.getRuntime().maxMemory() >> 20)
        + "MiB, gc="
        + ManagementFactory.getGarbageCollectorMXBeans().get(0).getName()
        + ", warmup="
        + p.warmup
        + ", repeat="
        + p.repeat
        + " (median reported)";
  }

  /**
   * Runs every workload of {@code peer} that {@code p} asks for; prints RESULT lines to {@code out}
   * and per-repetition figures to {@code log}.
   */
  public static List<Result> run(Peer peer, Params p, PrintStream out, PrintStream log) {
    List<Result> results = new ArrayList<>();
    for (Peer.Spec spec : peer.specs(p)) {
      if (!p.wants(spec.workload())) {
        continue;
      }
      System.gc();
      Memory.resetPeakRss();
      Map<String, List<long[]>> samples = new LinkedHashMap<>();
      Map<String, Long> aux = new LinkedHashMap<>();
      List<String> names = new ArrayList<>();
      String failure = null;
      try {
        for (int i = 0; i < p.warmup + p.repeat; i++) {
          Measured m = spec.run().run();
          aux.putAll(m.aux());
          for (Map.Entry<String, long[]> e : m.timings().entrySet()) {
            long[] t = e.getValue();
            if (!names.contains(e.getKey())) {
              names.add(e.getKey());
            }
            log.printf(
                Locale.ROOT,
                "# %s %s run=%d%s %.1f ops/s %.4fs%n",
                peer.name(),
                e.getKey(),
                i,
                i < p.warmup ? " (warmup)" : "",
                t[0] / (t[1] / 1e9),
                t[1] / 1e9);
            if (i >= p.warmup) {
              samples.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(t);
            }
          }
        }
      } catch (CheckFailed e) {
        failure = "error=verify:" + e.getMessage().replace(' ', '_');
      } catch (Throwable e) {
        e.printStackTrace(log);
        failure =
            "error=exception:"
                + e.getClass().getSimpleName()
                + ":"
                + String.valueOf(e.getMessage());
        failure = failure.replaceAll("\\s+", "_");
      }
      if (failure != null) {
        List<String> failed = names.isEmpty() ? List.of(spec.workload()) : names;
        for (String name : failed) {
          Result r =
              new Result(peer.name(), name, spec.params(), Double.NaN, Double.NaN, failure, false);
          results.add(r);
          out.println(r.line());
        }
        out.flush();
        continue;
      }
      double rss = Memory.peakRssMiB();
      StringBuilder common = new StringBuilder();
      aux.forEach((k, v) -> common.append(',').append(k).append('=').append(v));
      if (spec.workload().equals(Workloads.EVENT_BROADCAST) && p.memoryPass) {
        try {
          double perTask = peer.parkedWaiterBytes(p);
          common.append(String.format(Locale.ROOT, ",perTaskB=%.0f(heap-after-GC)", perTask));
        } catch (Throwable e) {
          e.printStackTrace(log);
          common.append(",perTaskB=error");
        }
      }
      for (Map.Entry<String, List<long[]>> e : samples.entrySet()) {
        List<long[]> l = e.getValue();
        double[] ops = l.stream().mapToDouble(t -> t[0] / (t[1] / 1e9)).sorted().toArray();
        double[] secs = l.stream().mapToDouble(t -> t[1] / 1e9).sorted().toArray();
        double medOps = median(ops);
        StringBuilder extra =
            new StringBuilder(
                String.format(
                    Locale.ROOT,
                    "rssHWM_MiB=%.1f,best=%.1f,runs=%d,stat=median",
                    rss,
                    ops[ops.length - 1],
                    l.size()));
        extra.append(common);
        if (e.getKey().equals(Workloads.TASK_SWITCH)) {
          extra.append(String.format(Locale.ROOT, ",ns_per_switch=%.1f", 1e9 / medOps));
        }
        Result r =
            new Result(
                peer.name(),
                e.getKey(),
                spec.params(),
                medOps,
                median(secs),
                extra.toString(),
                true);
        results.add(r);
        out.println(r.line());
      }
      out.flush();
    }
    return results;
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  /** The peer named {@code name}; {@code java-vt-juc} takes its suffix from the parallelism. */
  public static Peer peerNamed(String name) {
    return switch (name) {
      case "baton-loop" -> new BatonPeer(BatonPeer.Mode.LOOP);
      case "baton-loop-carrier" -> new BatonPeer(BatonPeer.Mode.LOOP, name);
      case "baton-parallel" -> new BatonPeer(BatonPeer.Mode.PARALLEL);
      case "baton-async" -> new AsyncPeer();
      case "java-vt-juc" -> new JucPeer(JucPeer.defaultName());
      default -> {
        if (name.startsWith("java-vt-juc-")) {
          yield new JucPeer(name);
        }
        throw new IllegalArgumentException(
            "unknown peer "
                + name
                + "; known: "
                + Arrays.asList(
                    "baton-loop",
                    "baton-loop-carrier",
                    "baton-parallel",
                    "baton-async",
                    "java-vt-juc[-pN]"));
      }
    };
  }

  /**
   * {@code peer <name> [flags]}: runs one peer in this JVM; exits 1 if a verification failed, 2 on
   * bad arguments.
   */
  public static int main(String[] args) {
    if (args.length == 0) {
      System.err.println("usage: peer <name> [--workloads a,b] [--warmup n] [--repeat n] [sizes]");
      return 2;
    }
    Params p = new Params();
    Peer peer;
    try {
      peer = peerNamed(args[0]);
      for (int i = 1; i < args.length; ) {
        int used = p.parse(args, i);
        if (used == 0) {
          throw new IllegalArgumentException("unknown argument " + args[i]);
        }
        i += used;
      }
    } catch (IllegalArgumentException e) {
      System.err.println("peer: " + e.getMessage());
      return 2;
    }
    System.out.println(header(peer, p));
    List<Result> results = run(peer, p, System.out, System.err);
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      // lets the parent tell this process's CPU from the rest of the machine's
      System.out.printf(Locale.ROOT, "# cpu_s=%.2f%n", os.getProcessCpuTime() / 1e9);
    }
    return results.stream().allMatch(Result::ok) ? 0 : 1;
  }
}
