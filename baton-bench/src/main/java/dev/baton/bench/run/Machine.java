package dev.baton.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine is (Linux {@code /proc}; everything reads as idle elsewhere): the bench runs
 * on a shared box, so each peer's row says how much CPU other processes used meanwhile.
 */
final class Machine {
  private Machine() {}

  /** USER_HZ: the unit of {@code /proc} CPU times on Linux. */
  static final int TICKS_PER_S = 100;

  /** Jiffies from the first line of {@code /proc/stat}. */
  record CpuSample(long busy, long total) {}

  static CpuSample sample() {
    try {
      String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = line.trim().split("\\s+");
      long total = 0;
      long idle = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        long v = Long.parseLong(f[i]);
        total += v;
        if (i == 4 || i == 5) { // idle, iowait
          idle += v;
        }
      }
      return new CpuSample(total - idle, total);
    } catch (IOException | RuntimeException e) {
      return new CpuSample(0, 0);
    }
  }

  /** CPU used by others between two samples, in % of all cores, given the child's own jiffies. */
  static double backgroundPercent(CpuSample before, CpuSample after, long childTicks) {
    long total = after.total() - before.total();
    if (total <= 0) {
      return Double.NaN;
    }
    long others = Math.max(0, after.busy() - before.busy() - childTicks);
    return 100.0 * others / total;
  }

  /** Waits (at most {@code maxSeconds}) until the machine is below {@code pct} % busy. */
  static double waitForQuiet(int maxSeconds, double pct) throws InterruptedException {
    long start = System.nanoTime();
    while ((System.nanoTime() - start) / 1e9 < maxSeconds) {
      CpuSample a = sample();
      Thread.sleep(1000);
      CpuSample b = sample();
      long total = b.total() - a.total();
      if (total <= 0 || 100.0 * (b.busy() - a.busy()) / total < pct) {
        break;
      }
    }
    double waited = (System.nanoTime() - start) / 1e9;
    return waited < 1.5 ? 0 : waited;
  }

  /** Samples a child's utime+stime every 200 ms until stopped, keeping the last value. */
  static final class ChildCpu implements Runnable {
    private final Path stat;
    private volatile long last;
    private volatile boolean stopped;

    ChildCpu(long pid) {
      this.stat = Path.of("/proc/" + pid + "/stat");
    }

    @Override
    public void run() {
      while (!stopped) {
        read();
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void read() {
      try {
        String s = Files.readString(stat);
        // fields after the ")" that closes the command name: state is field 3, utime 14, stime 15
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        last = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException | RuntimeException e) {
        // gone: keep the last value
      }
    }

    void stop() {
      stopped = true;
    }

    long lastTicks() {
      return last;
    }
  }
}
