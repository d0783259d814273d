package io.domainautomation.logic;

/** What an onboarding-queue message asks: a link (no {@code action}, as always) or an unlink ({@code "action": "unlink"}). */
public sealed interface OnboardingRequest permits LinkRequest, UnlinkRequest {

    String app();

    Hostname domain();
}
