package io.domainautomation.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.domainautomation.aws.AwsLoopbackPriming.Service;
import io.domainautomation.testsupport.TcpSockets;

/** The priming runs each AWS operation the functions make, and leaves no server or connection behind. */
class AwsLoopbackPrimingTest {

    @Test
    void everyOperationAndErrorPathIsAnsweredAndNothingIsLeftOpen() throws IOException {
        AwsLoopbackPriming.Outcome outcome = AwsLoopbackPriming.run("eu-west-3", EnumSet.allOf(Service.class));

        assertEquals(List.of("secretsmanager.GetSecretValue", "secretsmanager.DescribeSecret", "secretsmanager.ListSecrets",
                "secretsmanager.GetSecretValue", "DynamoDB_20120810.GetItem", "DynamoDB_20120810.PutItem",
                "DynamoDB_20120810.UpdateItem", "DynamoDB_20120810.Query", "DynamoDB_20120810.DeleteItem",
                "DynamoDB_20120810.PutItem", "AmazonSQS.SendMessage", "AWSEvents.PutEvents"), outcome.operationsAnswered(),
                "each operation once, the error replies (a missing secret, a failed condition, a missing queue) taken as errors, not retried");
        assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), outcome.port()).close(),
                "nothing listens there any more: the snapshot holds no server");
        assertEquals(List.of(), openSockets(outcome.port()), "no connection to the priming server is kept alive");
    }

    @Test
    void onlyTheServicesAFunctionUses() {
        assertEquals(List.of("AWSEvents.PutEvents"), AwsLoopbackPriming.run("eu-west-3", Set.of(Service.EVENTBRIDGE)).operationsAnswered());
        assertEquals(List.of(), AwsLoopbackPriming.run("eu-west-3", Set.of()).operationsAnswered());
    }

    /** The TCP sockets from or to the port, but those in TIME_WAIT, which no process holds. */
    private static List<TcpSockets.Socket> openSockets(int port) throws IOException {
        return TcpSockets.all().stream().filter(socket -> socket.on(port))
                .filter(socket -> !socket.state().equals(TcpSockets.TIME_WAIT)).toList();
    }
}
