package dev.pix2pix.cli;

import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * Kafka client failures as a sentence a user can act on: refused credentials, a TLS handshake that
 * failed, a missing ACL, or no answer at all (often a plaintext client talking to a TLS listener).
 */
final class KafkaErrors {
    private KafkaErrors() {}

    /** The failure of {@code action} (e.g. "publishing to pix2pix.train.jobs") against {@code kafka}. */
    static IllegalStateException explain(Throwable failure, String action, KafkaSettings kafka) {
        return new IllegalStateException(message(failure, action, kafka), failure);
    }

    static String message(Throwable failure, String action, KafkaSettings kafka) {
        Throwable t = unwrap(failure);
        String where = "Kafka at " + kafka.describe();
        String detail = Main.message(t);
        if (t instanceof SslAuthenticationException) {
            return "TLS handshake with " + where + " failed while " + action + ": " + detail
                    + " (check ssl.truststore.location/type: it must hold the CA that signed the broker's certificate)";
        }
        if (t instanceof SaslAuthenticationException || t instanceof AuthenticationException) {
            return where + " refused the login while " + action + ": " + detail
                    + " (authentication failed: check the user and password in sasl.jaas.config, given by "
                    + "--command-config or KAFKA_SASL_JAAS_CONFIG)";
        }
        if (t instanceof TopicAuthorizationException ta) {
            return where + ": not authorized while " + action + " (topics " + ta.unauthorizedTopics()
                    + "): the Kafka user needs an ACL for it (Write to publish, Read to follow events)";
        }
        if (t instanceof GroupAuthorizationException ga) {
            return where + ": not authorized for consumer group " + ga.groupId() + " while " + action;
        }
        if (t instanceof ClusterAuthorizationException || t instanceof AuthorizationException) {
            return where + ": not authorized while " + action + ": " + detail;
        }
        if (t instanceof TimeoutException || t instanceof java.util.concurrent.TimeoutException) {
            return "no answer from " + where + " while " + action + " (is it running? `pix2pix stack status`"
                    + (kafka.secured() ? "" : "; if the cluster uses TLS or SASL, give its client settings with "
                            + "--command-config FILE or KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_*") + ")";
        }
        return "cannot reach " + where + " while " + action + ": " + detail;
    }

    /** The Kafka exception inside ExecutionException / KafkaException wrappers. */
    static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while (cur.getCause() != null && cur.getCause() != cur
                && (cur instanceof java.util.concurrent.ExecutionException
                        || cur.getClass() == org.apache.kafka.common.KafkaException.class)) {
            cur = cur.getCause();
        }
        return cur;
    }
}
