package io.domainautomation.testsupport;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Posts an event to the Lambda mock event server of a @QuarkusTest and reads the function's answer. */
public final class LambdaPath {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LambdaPath() {
    }

    public static JsonNode invoke(String event) {
        String reply = given().contentType("application/json").body(event).when().post().then().statusCode(200)
                .extract().asString();
        try {
            return JSON.readTree(reply);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + reply, e);
        }
    }
}
