package io.domainautomation.scalingo;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** {@code /v1/apps/{app}/domains} on the regional API host; {@code app} is the app's name or ID. */
@RegisterRestClient(configKey = "scalingo-api")
@RegisterProvider(ScalingoErrorMapper.class)
@Path("/v1/apps/{app}/domains")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface DomainsApi {

    @GET
    Envelopes.DomainList list(@HeaderParam("Authorization") String bearer, @PathParam("app") String app);

    @POST
    Envelopes.DomainEnvelope link(@HeaderParam("Authorization") String bearer, @PathParam("app") String app,
            Envelopes.DomainWrite body);

    @PATCH
    @Path("/{id}")
    Envelopes.DomainEnvelope update(@HeaderParam("Authorization") String bearer, @PathParam("app") String app,
            @PathParam("id") String id, Envelopes.DomainWrite body);

    @DELETE
    @Path("/{id}")
    void unlink(@HeaderParam("Authorization") String bearer, @PathParam("app") String app, @PathParam("id") String id);
}
