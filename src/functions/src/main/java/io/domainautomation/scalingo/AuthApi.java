package io.domainautomation.scalingo;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The auth host: exchanges the long-lived API token (basic auth, empty user) for a short-lived bearer JWT. */
@RegisterRestClient(configKey = "scalingo-auth")
@RegisterProvider(ScalingoErrorMapper.class)
@Path("/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
public interface AuthApi {

    @POST
    @Path("/exchange")
    Envelopes.TokenExchange exchange(@HeaderParam("Authorization") String basicAuthorization);
}
