package dev.distillery.orchestrator.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The single thread that writes to the database, with group commit: it takes every write waiting in its queue, runs
 * each in its own savepoint (one failing write does not undo the others), commits once, and only then completes
 * the callers' futures. Many executor threads marking items done therefore share one disk write, and a caller
 * that got its future back knows the row survives a kill -9.
 */
final class StoreWriter implements AutoCloseable {

    /** A unit of work that runs on the writer's connection inside the current transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Called inside every transaction before commit, e.g. to fold in batched counter increments. */
    interface BeforeCommit {
        /** Whether there is something to write now (so an idle writer does not commit empty transactions). */
        boolean pending();

        void write(Connection connection) throws SQLException;

        /** The transaction failed; whatever {@link #write} took must be put back. */
        void restore();
    }

    private record Task<T>(Work<T> work, CompletableFuture<T> result) {
    }

    private static final int MAX_BATCH = 512;
    private static final Task<Void> STOP = new Task<>(c -> null, new CompletableFuture<>());

    private final Connection connection;
    private final BeforeCommit beforeCommit;
    private final long idleFlushMillis;
    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    StoreWriter(Connection connection, BeforeCommit beforeCommit, long idleFlushMillis, String name) {
        this.connection = connection;
        this.beforeCommit = beforeCommit;
        this.idleFlushMillis = idleFlushMillis;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::loop);
        this.thread.start();
    }

    <T> CompletableFuture<T> submit(Work<T> work) {
        if (closed) {
            return CompletableFuture.failedFuture(new RunStoreException("the run store is closed"));
        }
        Task<T> task = new Task<>(work, new CompletableFuture<>());
        queue.add(task);
        return task.result();
    }

    /** Runs {@code work} in the next group commit and waits until it is durable. */
    <T> T call(Work<T> work) {
        try {
            return submit(work).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    private void loop() {
        List<Task<?>> batch = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            batch.clear();
            try {
                Task<?> first = queue.poll(idleFlushMillis, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                }
            } catch (InterruptedException e) {
                stopping = true;
            }
            if (batch.remove(STOP)) {
                stopping = true;
                queue.drainTo(batch); // writes that raced with close still get their answer
                batch.remove(STOP);
            }
            if (batch.isEmpty() && !beforeCommit.pending()) {
                continue;
            }
            runBatch(batch);
        }
    }

    private void runBatch(List<Task<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        List<Throwable> failures = new ArrayList<>(batch.size());
        try {
            for (Task<?> task : batch) {
                Savepoint savepoint = connection.setSavepoint();
                try {
                    results.add(task.work().run(connection));
                    failures.add(null);
                } catch (SQLException | RuntimeException e) {
                    connection.rollback(savepoint);
                    results.add(null);
                    failures.add(e instanceof SQLException sql ? new RunStoreException(sql.getMessage(), sql) : e);
                }
            }
            beforeCommit.write(connection);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            beforeCommit.restore();
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            RunStoreException failure = new RunStoreException("commit failed: " + e.getMessage(), e);
            batch.forEach(task -> task.result().completeExceptionally(failure));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i), failures.get(i));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Task<T> task, Object result, Throwable failure) {
        if (failure != null) {
            task.result().completeExceptionally(failure);
        } else {
            task.result().complete((T) result);
        }
    }

    /** Finishes every write already submitted, commits, and stops the thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
