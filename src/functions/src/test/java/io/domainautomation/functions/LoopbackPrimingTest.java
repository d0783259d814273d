package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The priming runs every request of the Scalingo client's path, and leaves no server or connection behind. */
@QuarkusTest
class LoopbackPrimingTest {

    @Test
    void everyRequestOfThePathIsAnsweredAndTheServerIsGoneAfterwards() {
        LoopbackPriming.Outcome outcome = LoopbackPriming.run();
        assertEquals(8, outcome.requestsAnswered(), "exchange, apps list and show, domains list, link, update, unlink, a 404");
        assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), outcome.port()).close(),
                "nothing listens there any more: the snapshot holds no server");
    }
}
