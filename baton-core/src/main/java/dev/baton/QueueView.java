package dev.baton;

import java.time.Duration;
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** {@link Queue#asBlockingQueue()}: a {@link BlockingQueue} that is the Baton queue itself. */
final class QueueView<E> extends AbstractQueue<E> implements BlockingQueue<E> {
  private final Queue<E> queue;

  QueueView(Queue<E> queue) {
    this.queue = queue;
  }

  private static Duration duration(long timeout, TimeUnit unit) {
    Objects.requireNonNull(unit, "unit must not be null");
    return Duration.ofNanos(Math.max(0L, unit.toNanos(timeout))); // <= 0: do not wait
  }

  @Override
  public boolean offer(E e) {
    return queue.offer(e);
  }

  @Override
  public void put(E e) throws InterruptedException {
    queue.put(e);
  }

  @Override
  public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
    return queue.offer(e, duration(timeout, unit));
  }

  @Override
  public E take() throws InterruptedException {
    return queue.get();
  }

  @Override
  public E poll(long timeout, TimeUnit unit) throws InterruptedException {
    return queue.poll(duration(timeout, unit));
  }

  @Override
  public E poll() {
    return queue.poll();
  }

  @Override
  public E peek() {
    return queue.peek();
  }

  @Override
  public int remainingCapacity() {
    int cap = queue.capacity();
    return cap == Integer.MAX_VALUE ? Integer.MAX_VALUE : Math.max(0, cap - queue.size());
  }

  @Override
  public boolean remove(Object o) {
    return queue.remove(o);
  }

  @Override
  public int drainTo(Collection<? super E> c) {
    return drainTo(c, Integer.MAX_VALUE);
  }

  @Override
  public int drainTo(Collection<? super E> c, int maxElements) {
    Objects.requireNonNull(c, "c must not be null");
    if (c == this) {
      throw new IllegalArgumentException("cannot drain a queue into itself");
    }
    if (maxElements <= 0) {
      return 0;
    }
    List<E> items = queue.drain(maxElements);
    c.addAll(items); // outside the queue's guard: the collection is user code
    return items.size();
  }

  @Override
  public Iterator<E> iterator() {
    return Collections.unmodifiableList(queue.snapshot()).iterator();
  }

  @Override
  public int size() {
    return queue.size();
  }

  @Override
  public String toString() {
    return queue.snapshot().toString();
  }
}
