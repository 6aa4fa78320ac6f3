"""Step ids: where a conversation can be waiting. Serialised into sessions as themselves."""

from __future__ import annotations

from enum import StrEnum


class StepId(StrEnum):
    START = "start"
    LANGUAGE = "language"
    MENU = "menu"
    RIGHTS = "rights"
    TOPIC = "topic"
    RESUME = "resume"
    ERASE = "erase"
    # the report
    INDUSTRY = "industry"
    EMPLOYER = "employer"
    LOCATION = "location"
    ISSUES = "issues"
    DETAILS = "details"
    WHEN = "when"
    STILL_WORKING = "still_working"
    CONTACT = "contact"
    CONTACT_NUMBER = "contact_number"
    NAME = "name"
    CONSENT = "consent"
    CONFIRM = "confirm"
    FIX = "fix"
    # the callback request
    CALLBACK_CONTACT = "callback_contact"
    CALLBACK_NUMBER = "callback_number"
    # not a waiting step: the engine files the case when a flow reaches it
    SUBMIT_CALLBACK = "submit_callback"
