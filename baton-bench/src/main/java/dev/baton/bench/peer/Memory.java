package dev.baton.bench.peer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Heap and RSS figures, measured the way the peer harness measures them. */
public final class Memory {
  private Memory() {}

  /** Heap used after three full collections (virtual-thread stacks live on the heap). */
  public static long heapUsedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Resets the peak-RSS mark of this process (Linux; ignored elsewhere). */
  public static void resetPeakRss() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | RuntimeException ignored) {
      // not Linux, or not allowed: the peak then covers the whole process
    }
  }

  /** Peak RSS since the last reset, in MiB, or NaN. */
  public static double peakRssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // not Linux
    }
    return Double.NaN;
  }
}
