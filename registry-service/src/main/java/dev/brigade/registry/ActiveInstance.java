package dev.brigade.registry;

import java.time.Instant;

/**
 * The registry instance that writes registry-events, as it announced itself on registry-leader.
 *
 * @param epoch the leader group's generation it took over in: a later active has a higher one
 * @param writerId the transactional id it writes with (and fenced its predecessor by)
 */
public record ActiveInstance(String instanceId, String url, Instant since, int epoch, String writerId) {
}
