package dev.pix2pix.stack;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

/**
 * Entry point of every server JVM we start: {@code ChildMain <parentPid> <mainClass> [args...]}.
 * With a parent pid other than 0 the child exits as soon as that process is gone, so servers started
 * by a test JVM die with it even when it is killed with SIGKILL (no shutdown hook runs then).
 *
 * <p>This class is copied as a single .class file next to the server's files and put first on its
 * classpath, so it must stay self-contained: JDK only, no nested or anonymous classes.
 */
public final class ChildMain {
    private ChildMain() {}

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: ChildMain <parentPid|0> <mainClass> [args...]");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[0]);
        if (parentPid > 0) {
            Thread watch = new Thread(() -> watchParent(parentPid), "parent-watch");
            watch.setDaemon(true);
            watch.start();
        }
        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watchParent(long pid) {
        Optional<ProcessHandle> parent = ProcessHandle.of(pid);
        while (parent.isPresent() && parent.get().isAlive()) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
        System.err.println("parent process " + pid + " is gone; shutting down");
        // Graceful exit runs the server's own shutdown hooks; halt if they hang.
        Thread killer = new Thread(() -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException ignored) {
                // fall through to halt
            }
            Runtime.getRuntime().halt(1);
        }, "parent-watch-halt");
        killer.setDaemon(true);
        killer.start();
        System.exit(0);
    }
}
