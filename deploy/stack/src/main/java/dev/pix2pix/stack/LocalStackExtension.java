package dev.pix2pix.stack;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension injecting the JVM-wide {@link SharedStack} servers into test constructors,
 * lifecycle methods and test methods:
 *
 * <pre>{@code
 * @ExtendWith(LocalStackExtension.class)
 * class MyIT {
 *     @Test void works(LocalKafka kafka, LocalS3 s3) { ... }
 * }
 * }</pre>
 *
 * Only the servers a test asks for are started.
 */
public final class LocalStackExtension implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == LocalKafka.class || type == LocalS3.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalKafka.class ? SharedStack.kafka() : SharedStack.s3();
    }
}
