package dev.brigade.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One child JVM running a main class of this module on the caller's class path (or {@link KafkaBroker#CLASSPATH_PROPERTY}),
 * its output appended to a log file and its stdin left a pipe: the child watches that pipe and exits when it closes,
 * so it dies with its launcher even when the launcher is killed with SIGKILL.
 */
final class ChildJvm {

    private static final Logger LOG = Logger.getLogger(ChildJvm.class.getName());
    private static final int LOG_TAIL_LINES = 60;
    /** Linux refuses single arguments above 128 KiB; longer class paths go through a java @argfile. */
    private static final int MAX_INLINE_CLASSPATH_LENGTH = 32 * 1024;

    private final Process process;
    private final Path logFile;
    private final long logOffset;

    private ChildJvm(Process process, Path logFile, long logOffset) {
        this.process = process;
        this.logFile = logFile;
        this.logOffset = logOffset;
    }

    /**
     * @param workDir where a class-path argfile goes when the class path is too long for one argument
     */
    static ChildJvm launch(String maxHeap, List<String> jvmOptions, Class<?> mainClass, List<String> args,
            Path workDir, Path logFile) {
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            long offset = Files.exists(logFile) ? Files.size(logFile) : 0L;
            List<String> command = new ArrayList<>();
            command.add(javaExecutable());
            command.add("-Xmx" + maxHeap);
            // Serial GC and C1 only: less memory and a quicker start, which matter more than peak throughput here.
            command.add("-XX:+UseSerialGC");
            command.add("-XX:TieredStopAtLevel=1");
            command.addAll(jvmOptions);
            String classPath = classPath();
            if (classPath.length() > MAX_INLINE_CLASSPATH_LENGTH) {
                Path argFile = workDir.resolve("classpath.argfile");
                Files.writeString(argFile, "-cp \"" + classPath.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n",
                        StandardCharsets.UTF_8);
                command.add("@" + argFile);
            } else {
                command.add("-cp");
                command.add(classPath);
            }
            command.add(mainClass.getName());
            command.addAll(args);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            return new ChildJvm(process, logFile, offset);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not launch " + mainClass.getSimpleName() + " in a child JVM", e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    Path logFile() {
        return logFile;
    }

    /** SIGTERM (a clean shutdown), then SIGKILL if the child is still there after {@code timeout}. */
    void terminate(Duration timeout) {
        try {
            process.destroy();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning(() -> "Child JVM " + process.pid() + " did not stop within " + timeout + "; killing it");
                kill();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            closeStdin();
        }
    }

    /** SIGKILL: no shutdown hook runs, the child gets no chance to flush or hand over anything. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeStdin();
        }
    }

    /** The last lines the child wrote since it was launched, for error messages. */
    String logTail() {
        try (InputStream in = Files.newInputStream(logFile)) {
            in.skipNBytes(Math.min(logOffset, Files.size(logFile)));
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            return String.join(System.lineSeparator(),
                    lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(could not read " + logFile + ": " + e + ")";
        }
    }

    private void closeStdin() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // The child is gone; nothing left to tell it.
        }
    }

    /** Under Surefire java.class.path is a manifest-only booter jar, which {@code java -cp} follows as well. */
    private static String classPath() {
        String configured = System.getProperty(KafkaBroker.CLASSPATH_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return System.getProperty("java.class.path");
    }

    static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .filter(command -> Files.isExecutable(Path.of(command)))
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
