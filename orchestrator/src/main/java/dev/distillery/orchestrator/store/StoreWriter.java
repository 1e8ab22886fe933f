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
 * each in its own savepoint (one failing write does not undo the others), commits once, makes the group durable
 * (see {@link Journal}), and only then completes the callers' futures. Many executor threads marking items done
 * therefore share one disk write, and a caller that got its future back knows the row survives a kill -9.
 */
final class StoreWriter implements AutoCloseable {

    /** A unit of work that runs on the writer's connection inside the current transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** What the store does around each group commit (all called on the writer thread). */
    interface Hooks {
        /** Whether there is something to write even with no task queued (batched counters, a due checkpoint). */
        boolean pending();

        /** Before each task; the returned mark lets {@link #taskFailed} undo what the task added. */
        int beforeTask();

        void taskFailed(int mark);

        /** Inside the transaction, after the tasks: fold in batched counter increments. */
        void beforeCommit(Connection connection) throws SQLException;

        /** After the commit, before callers are answered: make the group durable (journal, checkpoint). */
        void afterCommit(Connection connection) throws SQLException, java.io.IOException;

        /** The transaction was rolled back: put back what {@link #beforeCommit} took, drop the group's journal lines. */
        void commitFailed();
    }

    private record Task<T>(Work<T> work, CompletableFuture<T> result) {
    }

    private static final int MAX_BATCH = 512;
    private static final Task<Void> STOP = new Task<>(c -> null, new CompletableFuture<>());

    private final Connection connection;
    private final Hooks hooks;
    private final long idleFlushMillis;
    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    StoreWriter(Connection connection, Hooks hooks, long idleFlushMillis, String name) {
        this.connection = connection;
        this.hooks = hooks;
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
            if (batch.isEmpty() && !hooks.pending()) {
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
                int mark = hooks.beforeTask();
                try {
                    results.add(task.work().run(connection));
                    failures.add(null);
                } catch (SQLException | RuntimeException e) {
                    connection.rollback(savepoint);
                    hooks.taskFailed(mark);
                    results.add(null);
                    failures.add(e instanceof SQLException sql ? new RunStoreException(sql.getMessage(), sql) : e);
                }
            }
            hooks.beforeCommit(connection);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            hooks.commitFailed();
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            RunStoreException failure = new RunStoreException("commit failed: " + e.getMessage(), e);
            batch.forEach(task -> task.result().completeExceptionally(failure));
            return;
        }
        try {
            hooks.afterCommit(connection);
        } catch (SQLException | java.io.IOException | RuntimeException e) {
            // Committed but not known to be durable: tell the callers, whose retry finds the row and is harmless.
            RunStoreException failure = new RunStoreException("could not make the commit durable: " + e.getMessage(), e);
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
