"""The bot's own words outside the flows and topics: menus, greetings, confirmations."""

from __future__ import annotations

from hotline.dialogue.text import N_

# TRANSLATORS: first message of every conversation. SMS: keep it at most 2 segments.
# PERSON is the keyword for a person in your language (see the "keywords" entries).
WELCOME = N_(
    "Worker rights hotline. This is general information, not legal advice. "
    "To talk to a person, send PERSON. Emergency? Call 911."
)
# TRANSLATORS: like the greeting above, with the center's phone number in {phone}.
WELCOME_WITH_PHONE = N_(
    "Worker rights hotline. This is general information, not legal advice. "
    "To talk to a person, send PERSON or call {phone}. Emergency? Call 911."
)
# TRANSLATORS: title of the main menu; numbered options follow on their own lines.
MENU = N_("Main menu. Reply with a number:")
MENU_RIGHTS = N_("Know your rights")
MENU_REPORT = N_("Report a problem at work")
MENU_CALLBACK = N_("Ask an organizer to contact me")
# TRANSLATORS: the word "Language" in YOUR language. The menu shows it in every
# language at once (Language / Idioma / 언어) so a worker in the wrong one finds it.
LANGUAGE_WORD = N_("Language")
MAIN_MENU = N_("Main menu")
# TRANSLATORS: title of the list of rights topics; numbered topics follow.
RIGHTS = N_("Know your rights. Reply with a number:")
# TRANSLATORS: navigation under a rights explainer: "1 More".
MORE = N_("More")
# TRANSLATORS: navigation under a rights explainer: "2 Other topics".
OTHER_TOPICS = N_("Other topics")
# TRANSLATORS: navigation under the explainer that answers a worker's first message
# when it described a problem ("no me pagaron"): "3 Report this" starts a report. It
# takes the place of "Other topics": keep it no longer than that.
REPORT_THIS = N_("Report this")
# TRANSLATORS: put before a question repeated because the answer didn't fit.
NOT_UNDERSTOOD = N_("Sorry, I didn't get that. Reply with a number.")
# TRANSLATORS: put before a question repeated because the number sent is not one of
# its options; {last} is the highest option (the question's options follow). Keep it
# shorter than the "didn't get that" line above.
OUT_OF_RANGE = N_("Reply with a number from 1 to {last}.")
# TRANSLATORS: put before the phone number question when the number looked wrong.
BAD_NUMBER = N_("That number doesn't look right. Please send it with the area code.")
# TRANSLATORS: put before a question when an empty message arrived.
EMPTY = N_("I got an empty message.")
# TRANSLATORS: after each message of the worker's story. Keep "1".
DETAILS_NOTED = N_("Got it. Send more, or send 1 when you are done.")
# TRANSLATORS: after a photo arrives during a report. Keep "1".
PHOTO_NOTED = N_("Photo received. Send more, or send 1 when you are done.")
# TRANSLATORS: a photo sent outside a report (at the menu) is kept for the next report.
# Keep "2" (the menu's "Report a problem").
PHOTO_KEPT = N_("We kept your photo. To send it with a report, choose 2 in the menu.")
# TRANSLATORS: more of the story arrived after the worker sent 1 (done), or late; it was
# added. The question they are at follows on the next line.
ADDED_TO_STORY = N_("Got it, we added that to your story.")
# TRANSLATORS: words sent before the report was saved reached us only after; they were
# added to it. {ref} is the case number.
ADDED_TO_REPORT = N_("We added your earlier message to your report {ref}.")
# TRANSLATORS: the story is long enough to be stored. Keep "1".
DETAILS_FULL = N_("Thank you, we have enough details. Send 1 to go on.")
# TRANSLATORS: summary of the report before sending; each {x} is an answer.
# BUDGET: 3 (it repeats the worker's answers; the bot shortens long or costly ones to fit)
SUMMARY = N_(
    "Please check your report:\nWork: {industry}\nBusiness: {employer}\nPlace: {location}\n"
    "Problem: {issues}\nWhen: {when}\nStill there: {still}\nContact: {contact}\nName: {name}"
)
#: The summary's budget in SMS segments, as its BUDGET comment says: the worker's
#: quoted answers are shortened until it fits.
SUMMARY_BUDGET = 3
# TRANSLATORS: shown in the summary for a question the worker skipped.
NOT_GIVEN = N_("not given")
#: Most issue types the summary lists by name; the rest are counted ("+2 more").
SUMMARY_ISSUES = 3
# TRANSLATORS: more issue types than the summary or an alert has room for, e.g. "+2 more".
MORE_ISSUES = N_("+{count} more")
# TRANSLATORS: shown in the summary for the number of photos, after "Problem".
PHOTOS = N_("photos: {count}")
# TRANSLATORS: title of the "change something" menu; numbered items follow.
FIX = N_("What do you want to change?")
# TRANSLATORS: the case is saved; {ref} is its number, e.g. 482135. SMS, keep it short.
FILED = N_(
    "Thank you. Your report is saved. Your case number is {ref}. "
    "An organizer will review it and contact you."
)
# TRANSLATORS: the case is saved but the worker asked not to be contacted.
FILED_NO_CONTACT = N_(
    "Thank you. Your report is saved. Your case number is {ref}. "
    "We will not contact you. Send PERSON any time if you change your mind."
)
# TRANSLATORS: a callback request is saved; {ref} is its number.
CALLBACK_FILED = N_(
    "Thank you. Your request number is {ref}. An organizer will contact you."
)
# TRANSLATORS: the case is saved but no organizer can be alerted right now (nobody
# active or reachable); {ref} is its number, {phone} the center's phone.
FILED_UNREACHED_WITH_PHONE = N_(
    "Saved: your number is {ref}. But no organizer can be reached right now. "
    "Please call the center at {phone}."
)
# TRANSLATORS: like the message above, when the center has no phone number to give.
FILED_UNREACHED = N_(
    "Saved: your number is {ref}. But no organizer can be reached right now, "
    "so it may take a while."
)
# TRANSLATORS: the worker sent a new report while their case {ref} is still open: it
# was added to that case instead of opening another.
ADDED_TO_CASE = N_("Thank you. We added this to your open case {ref}.")
# TRANSLATORS: the worker asked to be contacted while their case {ref} is still open:
# nothing new was opened.
ALREADY_OPEN = N_(
    "Your case {ref} is still open, so we did not open another. We have your request."
)
# TRANSLATORS: one phone sent more reports or requests today than the hotline takes.
CASE_LIMIT = N_(
    "We got many requests from this phone today, so this one was not saved. "
    "Please try again tomorrow."
)
# TRANSLATORS: like the message above, with the center's phone number in {phone}.
CASE_LIMIT_WITH_PHONE = N_(
    "We got many requests from this phone today, so this one was not saved. "
    "Please try again tomorrow, or call {phone}."
)
# TRANSLATORS: saving failed; nothing the worker typed is lost. Keep "1".
FILE_FAILED = N_(
    "Sorry, we could not save this right now. Your answers are kept. "
    "Send 1 to try again in a few minutes."
)
# TRANSLATORS: the worker said no to sharing; the report is gone.
DELETED = N_("OK. Your report was deleted and not shared with anyone.")
# TRANSLATORS: a worker comes back with a report half done; options follow.
RESUME = N_("Welcome back. You have a report that is not finished.")
# TRANSLATORS: answer to HELP. Keep the keywords as they are in your language.
HELP = N_(
    "Reply with the number of an option. Any time you can send: MENU for the main menu, "
    "BACK to go back, PERSON to talk to a person, LANGUAGE to change language. "
    "Emergency? Call 911."
)
# TRANSLATORS: confirmation after the worker's own words for "stop" (PARAR, 중지).
# Keep the word for START in your language.
OPTED_OUT = N_("You will not get more messages from us. Send START to get them again.")
# TRANSLATORS: after START: messages are on again.
OPTED_IN = N_("Welcome back. You will get our messages again.")
# TRANSLATORS: asks to confirm deleting the worker's data; options follow.
ERASE_CONFIRM = N_(
    "Delete your messages, answers and contact details from our records? "
    "Reports you sent stay, without your name or number."
)
ERASE_YES = N_("Yes, delete")
ERASE_NO = N_("No, keep them")
# TRANSLATORS: the worker's data was deleted.
ERASED = N_("Done. We deleted your messages, answers and contact details.")
# TRANSLATORS: sent when our system is down; the message is kept and answered later.
OUTAGE = N_("We got your message. Our system is slow right now; we will answer soon.")
# TRANSLATORS: like the message above, with the center's phone number in {phone}.
OUTAGE_WITH_PHONE = N_(
    "We got your message. Our system is slow right now; we will answer soon. "
    "Urgent? Call {phone}."
)
# TRANSLATORS: SMS to the worker when an organizer takes their case (sent by the alert
# worker, not as a reply); {ref} is their case number.
CASE_TAKEN = N_("Good news: an organizer has your case {ref} and will contact you soon.")
