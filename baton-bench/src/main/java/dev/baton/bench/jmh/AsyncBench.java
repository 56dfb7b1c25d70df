package dev.baton.bench.jmh;

import dev.baton.Event;
import dev.baton.Held;
import java.util.concurrent.CompletableFuture;
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
 * The async face's round trips, on one thread: request, get the {@code Held} from the future, close
 * it. {@code *Queued}: the request waits behind a holder first and is completed by that holder's
 * close (the hand-off to a future). Baselines: {@code ReentrantLock} lock/unlock and a bare {@code
 * CompletableFuture} complete + dependent.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AsyncBench {
  private final dev.baton.Lock lock = new dev.baton.Lock();
  private final dev.baton.Semaphore semaphore = new dev.baton.Semaphore(1);
  private final ReentrantLock reentrantLock = new ReentrantLock();
  private long counter;

  @Benchmark
  public long lockAcquireAsync() {
    try (Held h = lock.acquireAsync().join()) {
      return ++counter;
    }
  }

  @Benchmark
  public long lockAcquireAsyncQueued() {
    Held first = lock.acquireAsync().join();
    CompletableFuture<Held> second = lock.acquireAsync(); // waits behind first
    first.close(); // hands the lock to second's future
    try (Held h = second.join()) {
      return ++counter;
    }
  }

  @Benchmark
  public long semaphoreAcquireAsync() {
    try (Held h = semaphore.acquireAsync().join()) {
      return ++counter;
    }
  }

  @Benchmark
  public long semaphoreAcquireAsyncQueued() {
    Held first = semaphore.acquireAsync().join();
    CompletableFuture<Held> second = semaphore.acquireAsync();
    first.close();
    try (Held h = second.join()) {
      return ++counter;
    }
  }

  @Benchmark
  public long eventAwaitAsync() {
    Event e = new Event();
    CompletableFuture<Void> f = e.awaitAsync().thenRun(() -> counter++);
    e.set();
    f.join();
    return counter;
  }

  @Benchmark
  public long baselineReentrantLock() {
    reentrantLock.lock();
    try {
      return ++counter;
    } finally {
      reentrantLock.unlock();
    }
  }

  @Benchmark
  public long baselineCompletableFuture() {
    CompletableFuture<Void> src = new CompletableFuture<>();
    CompletableFuture<Void> f = src.thenRun(() -> counter++);
    src.complete(null);
    f.join();
    return counter;
  }
}
