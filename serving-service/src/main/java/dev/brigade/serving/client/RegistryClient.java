package dev.brigade.serving.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import dev.brigade.serving.config.ServingConfig;

/**
 * Downloads model artifacts from the registry ({@link RegistryApi}) and verifies them: the size the event announced,
 * the size limit, and the sha256 the event named. Blocking, on the model loader's thread, never on a request's.
 */
@ApplicationScoped
public class RegistryClient {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** A download that failed; retryable when a later attempt may succeed (network, 5xx). */
    public static final class DownloadException extends Exception {
        private final boolean retryable;

        public DownloadException(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final ServingConfig config;
    private final RegistryApi registry;

    RegistryClient(ServingConfig config, @RestClient RegistryApi registry) {
        this.config = config;
        this.registry = registry;
    }

    public byte[] artifact(String sha256, long expectedSize) throws DownloadException {
        if (!SHA256.matcher(sha256).matches()) {
            throw new DownloadException("not a sha256: " + sha256, false);
        }
        long limit = config.models().maxArtifactSize().asLongValue();
        if (expectedSize > limit) {
            throw new DownloadException("artifact of " + expectedSize + " bytes is above the limit of " + limit,
                    false);
        }
        String what = "/v1/artifacts/" + sha256 + " of the registry at " + config.registryUrl();
        byte[] bytes;
        try (Response response = registry.artifact(sha256); InputStream in = response.readEntity(InputStream.class)) {
            if (response.getStatus() != 200) {
                String text = new String(in.readNBytes(300), StandardCharsets.UTF_8);
                throw new DownloadException("registry answered " + response.getStatus() + " for " + what + ": "
                        + text, response.getStatus() >= 500 || response.getStatus() == 404);
            }
            // Read one byte more than the limit: a bigger body is refused without holding it all.
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        } catch (ProcessingException e) {
            throw new DownloadException("cannot reach " + what + ": " + e, true);
        } catch (IOException e) {
            throw new DownloadException("download of " + what + " broke off: " + e, true);
        }
        if (bytes.length > limit) {
            throw new DownloadException("artifact is above the limit of " + limit + " bytes", false);
        }
        if (bytes.length != expectedSize) {
            throw new DownloadException("artifact has " + bytes.length + " bytes, the registry event announced "
                    + expectedSize, true);
        }
        String actual = sha256(bytes);
        if (!actual.equals(sha256)) {
            throw new DownloadException("sha256 mismatch: expected " + sha256 + ", downloaded " + actual, true);
        }
        return bytes;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
