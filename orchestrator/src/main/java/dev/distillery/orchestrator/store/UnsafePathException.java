package dev.distillery.orchestrator.store;

/**
 * A path given to the run store (from a spec, a REST request, a sample or file endpoint) would leave its run directory:
 * it is absolute, climbs out with {@code ..}, or passes through a symbolic link that points outside.
 *
 * <p>Usage: {@code try { dir.resolve(userPath); } catch (UnsafePathException e) { respond 400 with e.getMessage(); }}
 */
public final class UnsafePathException extends IllegalArgumentException {

    private final String requested;

    UnsafePathException(String requested, String reason) {
        super("refusing path '" + printable(requested) + "': " + reason);
        this.requested = requested;
    }

    /** The path exactly as it was asked for. */
    public String requested() {
        return requested;
    }

    private static String printable(String path) {
        return path.replace("\0", "\\0");
    }
}
