package dev.baton;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * The items of a {@link Queue}, kept in the order its kind serves them: the only thing in which
 * {@code Queue}, {@link LifoQueue} and {@link PriorityQueue} differ (asyncio's {@code _put}/{@code
 * _get}). Touched only under the queue's guard. Every mutator either succeeds or leaves the store
 * exactly as it was (a comparator may throw).
 */
abstract class QueueStore<E> {
  /** Rejects an item this store could never order; called before any state changes. */
  void check(E item) {}

  /** Adds an item in this kind's order. */
  abstract void add(E item);

  /** Removes and returns the next item; the store is not empty. */
  abstract E take();

  /** The next item, or {@code null}. */
  abstract E peek();

  /** Puts back an item a cancelled get had received, so that it is served next again. */
  abstract void putBack(E item);

  /** Removes one item equal to {@code o}; whether one was found. */
  abstract boolean remove(Object o);

  /** Drops every item; returns how many there were. */
  abstract int clear();

  /** The items, in serving order where the kind has one (a heap's is unspecified). */
  abstract List<E> snapshot();

  abstract int size();

  static <E> QueueStore<E> fifo() {
    return new Deque<>(false);
  }

  static <E> QueueStore<E> lifo() {
    return new Deque<>(true);
  }

  static <E> QueueStore<E> priority(Comparator<? super E> comparator) {
    return new Heap<>(comparator);
  }

  /**
   * An {@code ArrayDeque} that takes from the end items are added to (LIFO, {@code
   * asyncio.LifoQueue}: the top of the stack is the deque's last) or from the other one (FIFO,
   * {@code asyncio.Queue}).
   */
  private static final class Deque<E> extends QueueStore<E> {
    private final ArrayDeque<E> items = new ArrayDeque<>();
    private final boolean lifo;

    Deque(boolean lifo) {
      this.lifo = lifo;
    }

    @Override
    void add(E item) {
      items.addLast(item);
    }

    @Override
    E take() {
      return lifo ? items.pollLast() : items.pollFirst();
    }

    @Override
    E peek() {
      return lifo ? items.peekLast() : items.peekFirst();
    }

    @Override
    void putBack(E item) {
      if (lifo) {
        items.addLast(item);
      } else {
        items.addFirst(item);
      }
    }

    @Override
    boolean remove(Object o) {
      return lifo ? items.removeLastOccurrence(o) : items.removeFirstOccurrence(o);
    }

    @Override
    int clear() {
      int n = items.size();
      items.clear();
      return n;
    }

    /** In the order the items would be taken. */
    @Override
    List<E> snapshot() {
      List<E> out = new ArrayList<>(items.size());
      for (Iterator<E> it = lifo ? items.descendingIterator() : items.iterator(); it.hasNext(); ) {
        out.add(it.next());
      }
      return out;
    }

    @Override
    int size() {
      return items.size();
    }
  }

  /**
   * Lowest first: {@code asyncio.PriorityQueue}, with ties served in insertion order. A binary heap
   * whose sift operations first find where the moving entry lands, comparing only, and then move
   * entries, so a comparator that throws leaves the heap intact.
   */
  private static final class Heap<E> extends QueueStore<E> {
    private record Entry<E>(E item, long seq) {}

    private final Comparator<? super E> comparator; // null: natural order
    private Object[] heap = new Object[16];
    private int size;
    private long nextSeq; // insertion order, for ties
    private long putBackSeq = -1; // given-back items precede every equal item
    private final int[] path = new int[32];

    Heap(Comparator<? super E> comparator) {
      this.comparator = comparator;
    }

    @Override
    void check(E item) {
      if (comparator == null && !(item instanceof Comparable)) {
        throw new ClassCastException(
            item.getClass().getName() + " is not Comparable; give the PriorityQueue a Comparator");
      }
    }

    @SuppressWarnings("unchecked")
    private Entry<E> at(int i) {
      return (Entry<E>) heap[i];
    }

    @SuppressWarnings("unchecked")
    private int compare(Entry<E> a, Entry<E> b) {
      int c =
          comparator != null
              ? comparator.compare(a.item(), b.item())
              : ((Comparable<? super E>) a.item()).compareTo(b.item());
      return c != 0 ? c : Long.compare(a.seq(), b.seq());
    }

    @Override
    void add(E item) {
      insert(new Entry<>(item, nextSeq));
      nextSeq++;
    }

    @Override
    void putBack(E item) {
      insert(new Entry<>(item, putBackSeq));
      putBackSeq--;
    }

    private void insert(Entry<E> x) {
      int k = size;
      int pos = k;
      while (pos > 0) {
        int parent = (pos - 1) >>> 1;
        if (compare(x, at(parent)) >= 0) {
          break;
        }
        pos = parent;
      }
      if (k == heap.length) {
        heap = Arrays.copyOf(heap, k + (k >> 1) + 1);
      }
      for (int i = k; i > pos; ) {
        int parent = (i - 1) >>> 1;
        heap[i] = heap[parent];
        i = parent;
      }
      heap[pos] = x;
      size = k + 1;
    }

    @Override
    E take() {
      Entry<E> top = at(0);
      int n = size - 1;
      Entry<E> last = at(n);
      int depth = 0;
      for (int i = 0; ; ) {
        int child = 2 * i + 1;
        if (child >= n) {
          break;
        }
        int right = child + 1;
        if (right < n && compare(at(right), at(child)) < 0) {
          child = right;
        }
        if (compare(last, at(child)) <= 0) {
          break;
        }
        path[depth++] = child;
        i = child;
      }
      int hole = 0;
      for (int d = 0; d < depth; d++) {
        heap[hole] = heap[path[d]];
        hole = path[d];
      }
      heap[hole] = last;
      heap[n] = null;
      size = n;
      return top.item();
    }

    @Override
    E peek() {
      return size == 0 ? null : at(0).item();
    }

    @Override
    boolean remove(Object o) {
      for (int i = 0; i < size; i++) {
        if (at(i).item().equals(o)) {
          // Rebuild into a fresh heap so that a throwing comparator leaves this one intact.
          Heap<E> rebuilt = new Heap<>(comparator);
          rebuilt.heap = new Object[Math.max(16, size)];
          for (int j = 0; j < size; j++) {
            if (j != i) {
              rebuilt.insert(at(j));
            }
          }
          heap = rebuilt.heap;
          size = rebuilt.size;
          return true;
        }
      }
      return false;
    }

    @Override
    int clear() {
      int n = size;
      Arrays.fill(heap, 0, n, null);
      size = 0;
      return n;
    }

    @Override
    List<E> snapshot() {
      List<E> out = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        out.add(at(i).item());
      }
      return out;
    }

    @Override
    int size() {
      return size;
    }
  }
}
