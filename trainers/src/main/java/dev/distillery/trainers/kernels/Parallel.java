package dev.distillery.trainers.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A tiny fork-join executor for data-parallel kernels: persistent daemon worker threads, the calling thread
 * participates, workers spin briefly and then park.
 *
 * <pre>{@code Parallel.shared().parallelFor(rows, (from, to) -> { for (int i = from; i < to; i++) work(i); });}</pre>
 *
 * <p>Why not the ForkJoinPool common pool: Jlama (and other libraries in the same JVM) submit to it, and a GEMM that
 * shares it gets queued behind foreign tasks. Why spin first: trainer steps issue thousands of GEMMs of 10-100 µs
 * each; waking a parked thread costs about as much as such a GEMM, so workers poll for a short while after each job.
 *
 * <p>Work split: {@code [0, n)} is cut into {@code min(threads, n)} contiguous chunks whose boundaries depend only on
 * {@code n} and the thread count, never on timing. Participants claim chunks dynamically, so a worker that the OS
 * has descheduled (the machine is shared) does not stall the job: the caller takes its chunk. Because the partition
 * is fixed, a body that computes each index independently gives bit-identical results however chunks are assigned.
 *
 * <p>Calls from several threads at once, or nested calls from inside a body, are safe: a call that finds the pool
 * busy runs all its chunks inline in the calling thread, in order.
 */
public final class Parallel implements AutoCloseable {

    /** A body over a half-open index range {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** System property with the thread count of {@link #shared()}; default: all available processors. */
    public static final String THREADS_PROPERTY = "distillery.threads";

    // About 20-50 µs of polling on current x86: longer than the gap between consecutive GEMMs of one layer, shorter
    // than anything a user would notice as a busy core while the trainer is idle.
    private static final int SPIN_LIMIT = 1 << 14;

    private final int threads;
    private final Thread[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job job;
    private volatile boolean closed;

    /** One parallelFor invocation; workers that wake after it is finished find no chunk left and go back. */
    private static final class Job {
        final Range body;
        final int n;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Thread waiter;
        volatile Throwable error;

        Job(Range body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
        }
    }

    private static final class Holder {
        static final Parallel SHARED = new Parallel(defaultThreads());
    }

    private static int defaultThreads() {
        String p = System.getProperty(THREADS_PROPERTY);
        if (p != null && !p.isBlank()) {
            return Math.max(1, Integer.parseInt(p.trim()));
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** The process-wide pool, created on first use with {@value #THREADS_PROPERTY} or all available processors. */
    public static Parallel shared() {
        return Holder.SHARED;
    }

    /** A single-threaded instance: every call runs inline. */
    public static Parallel serial() {
        return new Parallel(1);
    }

    /** A pool with {@code threads} participants: the caller plus {@code threads - 1} daemon workers. */
    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            Thread t = new Thread(this::workerLoop, "distillery-kernel-" + (w + 1));
            t.setDaemon(true);
            workers[w] = t;
            t.start();
        }
    }

    /** Number of participants (caller included). */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} cut into {@code min(threads(), n)} contiguous chunks, and returns when all
     * chunks are done. An exception thrown by a chunk is rethrown here after the other chunks finished.
     */
    public void parallelFor(int n, Range body) {
        parallelFor(n, threads, body);
    }

    /**
     * As {@link #parallelFor(int, Range)} with at most {@code maxChunks} chunks (e.g. 1 to run a small job inline
     * with the same code path).
     */
    public void parallelFor(int n, int maxChunks, Range body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.max(1, Math.min(Math.min(maxChunks, threads), n));
        if (chunks == 1 || closed || !busy.compareAndSet(false, true)) {
            for (int c = 0; c < chunks; c++) {
                body.run(chunkStart(n, chunks, c), chunkStart(n, chunks, c + 1));
            }
            return;
        }
        try {
            Job j = new Job(body, n, chunks);
            job = j;
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            work(j);
            awaitDone(j);
            Throwable e = j.error;
            if (e instanceof RuntimeException re) {
                throw re;
            }
            if (e instanceof Error err) {
                throw err;
            }
            if (e != null) {
                throw new RuntimeException(e);
            }
        } finally {
            busy.set(false);
        }
    }

    /** First index of chunk {@code c} of {@code chunks} over {@code [0, n)}; sizes differ by at most one. */
    public static int chunkStart(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }

    private static void work(Job j) {
        int c;
        while ((c = j.next.getAndIncrement()) < j.chunks) {
            try {
                j.body.run(chunkStart(j.n, j.chunks, c), chunkStart(j.n, j.chunks, c + 1));
            } catch (Throwable t) {
                if (j.error == null) {
                    j.error = t;
                }
            }
            if (j.done.incrementAndGet() == j.chunks) {
                Thread w = j.waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
    }

    private static void awaitDone(Job j) {
        int spins = 0;
        while (j.done.get() < j.chunks) {
            if (spins < SPIN_LIMIT) {
                spins++;
                Thread.onSpinWait();
            } else {
                j.waiter = Thread.currentThread();
                if (j.done.get() < j.chunks) {
                    LockSupport.parkNanos(j, 100_000L);
                }
            }
        }
    }

    private void workerLoop() {
        Job seen = null;
        while (!closed) {
            Job j = job;
            int spins = 0;
            while (j == seen && !closed) {
                if (spins < SPIN_LIMIT) {
                    spins++;
                    Thread.onSpinWait();
                } else {
                    // The caller unparks every worker after publishing a job, so a wake-up cannot be lost: if the
                    // unpark comes before this park, the permit makes park return at once.
                    LockSupport.park(this);
                }
                j = job;
            }
            if (j != seen && j != null) {
                seen = j;
                work(j);
            }
        }
    }

    /** Stops the workers (they are daemons, so this is only needed for pools created and dropped repeatedly). */
    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
