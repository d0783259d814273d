package io.domainautomation.scalingo;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** {@code /v1/apps} on the regional API host. */
@RegisterRestClient(configKey = "scalingo-api")
@RegisterProvider(ScalingoErrorMapper.class)
@Path("/v1/apps")
@Produces(MediaType.APPLICATION_JSON)
public interface AppsApi {

    @GET
    Envelopes.AppList list(@HeaderParam("Authorization") String bearer, @QueryParam("page") Integer page);

    @GET
    @Path("/{app}")
    Envelopes.AppEnvelope show(@HeaderParam("Authorization") String bearer, @PathParam("app") String app);
}
