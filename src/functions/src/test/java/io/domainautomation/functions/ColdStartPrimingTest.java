package io.domainautomation.functions;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;

import io.domainautomation.scalingo.AppsApi;
import io.domainautomation.scalingo.AuthApi;
import io.domainautomation.scalingo.DomainsApi;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableBean;
import io.quarkus.arc.InjectableContext;
import io.quarkus.test.junit.QuarkusTest;

/** What the SnapStart priming leaves built in the process, so that the first invocation after a restore does not build it. */
@QuarkusTest
class ColdStartPrimingTest {

    @Inject
    ColdStartPriming priming;

    @Test
    void theScalingoRestClientsExistBeforeTheirFirstCall() {
        InjectableContext application = Arc.container().getActiveContext(ApplicationScoped.class);
        List<InjectableBean<?>> clients = List.of(AuthApi.class, AppsApi.class, DomainsApi.class).stream()
                .<InjectableBean<?>>map(api -> Arc.container().instance(api, RestClient.LITERAL).getBean())
                .toList();
        clients.forEach(application::destroy);
        clients.forEach(client -> assertNull(application.get(client), client + " is built on its first call"));

        priming.buildRestClients();

        clients.forEach(client -> assertNotNull(application.get(client), client + " was built by the priming"));
    }
}
