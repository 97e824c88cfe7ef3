package dev.brigade.broker;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Logging of the broker process. Kafka logs through SLF4J; the provider depends on the class path: under
 * Quarkus tests it is slf4j-jboss-logmanager, in target/lib it is slf4j-jdk14. Both end in java.util.logging once
 * the JBoss LogManager (when present) is made the JUL manager, so one JUL set-up below serves both.
 */
final class BrokerLogging {

    private static final String JUL_MANAGER_PROPERTY = "java.util.logging.manager";
    private static final String JBOSS_LOG_MANAGER = "org.jboss.logmanager.LogManager";
    /** JUL holds loggers weakly: without a strong reference a garbage collection would forget the level set. */
    private static final List<Logger> QUIETED_LOGGERS = new CopyOnWriteArrayList<>();

    private BrokerLogging() {
    }

    /** Must run before anything touches JUL or SLF4J, because the JUL manager is chosen once per JVM. */
    static void install() {
        if (System.getProperty(JUL_MANAGER_PROPERTY) == null && isOnClassPath(JBOSS_LOG_MANAGER)) {
            System.setProperty(JUL_MANAGER_PROPERTY, JBOSS_LOG_MANAGER);
        }
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        Handler console = new ConsoleHandler();
        console.setLevel(Level.ALL);
        console.setFormatter(new OneLineFormatter());
        root.addHandler(console);
        root.setLevel(Level.INFO);
        // Every Kafka config object dumps all of its values at INFO: hundreds of lines that drown the useful ones.
        quiet("org.apache.kafka.common.config.AbstractConfig");
        quiet("kafka.server.KafkaConfig");
        quiet("org.apache.kafka.common.utils.AppInfoParser");
    }

    /** Warnings and worse only, from loggers under this name. */
    static void quiet(String loggerName) {
        Logger logger = Logger.getLogger(loggerName);
        logger.setLevel(Level.WARNING);
        QUIETED_LOGGERS.add(logger);
    }

    private static boolean isOnClassPath(String className) {
        try {
            Class.forName(className, false, BrokerLogging.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** "HH:mm:ss.SSS LEVEL [logger] message": one line per record, so a log tail stays readable. */
    static final class OneLineFormatter extends Formatter {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

        @Override
        public String format(LogRecord logRecord) {
            StringBuilder line = new StringBuilder(160)
                    .append(TIME.format(logRecord.getInstant())).append(' ')
                    .append(logRecord.getLevel().getName()).append(" [")
                    .append(shortName(logRecord.getLoggerName())).append("] ")
                    .append(formatMessage(logRecord)).append(System.lineSeparator());
            if (logRecord.getThrown() != null) {
                StringWriter trace = new StringWriter();
                logRecord.getThrown().printStackTrace(new PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }

        private static String shortName(String loggerName) {
            if (loggerName == null) {
                return "";
            }
            int lastDot = loggerName.lastIndexOf('.');
            return lastDot < 0 ? loggerName : loggerName.substring(lastDot + 1);
        }
    }
}
