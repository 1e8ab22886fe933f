package dev.distillery.judges.verify.code;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Finds out once whether this machine lets an unprivileged user create a user + network namespace
 * ({@code unshare -rn true}); kernels with {@code kernel.unprivileged_userns_clone=0} or AppArmor restrictions do not.
 */
final class NamespaceSupport {
    private static volatile String detail;
    private static volatile Boolean available;

    private NamespaceSupport() {
    }

    static boolean available() {
        Boolean a = available;
        if (a == null) {
            synchronized (NamespaceSupport.class) {
                if (available == null) probe();
                a = available;
            }
        }
        return a;
    }

    static String detail() {
        available();
        return detail;
    }

    private static void probe() {
        try {
            Process p = new ProcessBuilder("unshare", "-rn", "true").redirectErrorStream(true).start();
            boolean done = p.waitFor(5, TimeUnit.SECONDS);
            String out = new String(p.getInputStream().readNBytes(500)).strip();
            if (!done) p.destroyForcibly();
            available = done && p.exitValue() == 0;
            detail = available ? "unshare -rn works" : "unshare -rn failed: " + (done ? "exit " + p.exitValue() + " " + out : "timed out");
        } catch (IOException e) {
            available = false;
            detail = "unshare not found: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            available = false;
            detail = "interrupted while probing unshare";
        }
    }
}
