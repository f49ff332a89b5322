package com.drresponder.testing;

import java.util.function.Consumer;
import org.mockito.ArgumentCaptor;
import org.mockito.invocation.InvocationOnMock;
import software.amazon.awssdk.utils.builder.SdkBuilder;

/**
 * The request a mocked SDK client received through a consumer-builder overload ({@code client.getSecretValue(r -> ...)}),
 * built, so a unit test asserts what was asked (DESIGN: capture the SDK request).
 */
public final class SdkRequests {
    private SdkRequests() {}

    /** After the fact: {@code verifyCall} verifies the call with the captor, e.g. {@code c -> verify(client).putSecretValue(c.capture())}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <B extends SdkBuilder<B, R>, R> R captured(B builder, Consumer<ArgumentCaptor<Consumer<B>>> verifyCall) {
        ArgumentCaptor<Consumer<B>> captor = ArgumentCaptor.forClass((Class) Consumer.class);
        verifyCall.accept(captor);
        captor.getValue().accept(builder);
        return builder.build();
    }

    /** Inside a {@code thenAnswer}: the request of the answered call. */
    @SuppressWarnings("unchecked")
    public static <B extends SdkBuilder<B, R>, R> R of(InvocationOnMock invocation, B builder) {
        ((Consumer<B>) invocation.getArgument(0)).accept(builder);
        return builder.build();
    }
}
