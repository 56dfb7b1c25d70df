package dev.baton.bench.jmh;

import dev.baton.Held;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Uncontended acquire + release on one thread: Baton's {@code Lock} and {@code Semaphore} against
 * {@code ReentrantLock} and {@code java.util.concurrent.Semaphore} (DESIGN's target: the Lock
 * within 1.3x of ReentrantLock). The critical section is one increment.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UncontendedBench {
  private final dev.baton.Lock batonLock = new dev.baton.Lock();
  private final ReentrantLock reentrantLock = new ReentrantLock();
  private final ReentrantLock reentrantLockFair = new ReentrantLock(true);
  private final dev.baton.Semaphore batonSemaphore = new dev.baton.Semaphore(1);
  private final java.util.concurrent.Semaphore jucSemaphore = new java.util.concurrent.Semaphore(1);
  private final java.util.concurrent.Semaphore jucSemaphoreFair =
      new java.util.concurrent.Semaphore(1, true);
  private long counter;

  @Benchmark
  public long batonLock() throws InterruptedException {
    batonLock.acquire();
    try {
      return ++counter;
    } finally {
      batonLock.release();
    }
  }

  /** The try-with-resources form: adds the {@code Held} guard. */
  @Benchmark
  public long batonLockHold() throws InterruptedException {
    try (Held h = batonLock.hold()) {
      return ++counter;
    }
  }

  @Benchmark
  public long batonLockTryAcquire() {
    if (batonLock.tryAcquire()) {
      try {
        return ++counter;
      } finally {
        batonLock.release();
      }
    }
    return -1;
  }

  @Benchmark
  public long reentrantLock() {
    reentrantLock.lock();
    try {
      return ++counter;
    } finally {
      reentrantLock.unlock();
    }
  }

  @Benchmark
  public long reentrantLockFair() {
    reentrantLockFair.lock();
    try {
      return ++counter;
    } finally {
      reentrantLockFair.unlock();
    }
  }

  @Benchmark
  public long batonSemaphore() throws InterruptedException {
    batonSemaphore.acquire();
    try {
      return ++counter;
    } finally {
      batonSemaphore.release();
    }
  }

  @Benchmark
  public long jucSemaphore() throws InterruptedException {
    jucSemaphore.acquire();
    try {
      return ++counter;
    } finally {
      jucSemaphore.release();
    }
  }

  @Benchmark
  public long jucSemaphoreFair() throws InterruptedException {
    jucSemaphoreFair.acquire();
    try {
      return ++counter;
    } finally {
      jucSemaphoreFair.release();
    }
  }
}
