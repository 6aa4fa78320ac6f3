"""The "Know your rights" explainers as data: one topic, a few SMS parts each.

Every figure here comes from the fact sheet the workers' center keeps (rights-facts.md),
and only from rows marked HIGH or MED; where the sheet says NOT FOUND or LOW, the text
sends the worker to the agency instead of stating a figure. Each figure is dated in
``facts.toml`` beside this module: amounts that change on a schedule (minimum wages) are
``Figure`` sentences filled in from there, and the figures a topic states in its own
words are listed under that topic there, with their sources and last review.

A part is a few sentences, each its own gettext msgid (English source; translators work
from the ``# TRANSLATORS:`` comments), sent together as one SMS reply under a 2-segment
budget that ``hotline i18n check`` measures in every language.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hotline.dialogue.text import N_, NP_


class TopicId(StrEnum):
    MINIMUM_WAGE = "minimum_wage"
    UNPAID_WAGES = "unpaid_wages"
    OVERTIME = "overtime"
    BREAKS = "breaks"
    SICK_LEAVE = "sick_leave"
    RETALIATION = "retaliation"
    SAFETY = "safety"
    TIPS_PAYSTUBS = "tips_paystubs"
    FILE_CLAIM = "file_claim"


@dataclass(frozen=True)
class Figure:
    """A sentence stating a dated figure, and the sentence said outside its window.

    ``stated`` gets ``{amount}`` and ``{since}`` from the entry of ``key`` in force that
    day; ``changes`` gets ``{date}``, the day the figure changes (or changed), when no
    entry is in force, and names the agency to call for today's figure.
    """

    key: str
    stated: str
    changes: str


#: One sentence of a part: fixed words, or a dated figure.
Piece = str | Figure
#: One SMS reply of an explainer: its sentences in order.
Part = tuple[Piece, ...]


@dataclass(frozen=True)
class Topic:
    """One rights explainer: a menu label and its SMS parts.

    ``keywords`` lists words that open the topic from a menu or a first message
    ("최저임금 얼마에요?"); ``stamp`` is the short source line sent under the first
    part, as the fact sheet asks of every factual SMS; its ``{as_of}`` is filled from the
    dated facts. The topic's sources, last review and figures are in ``facts.toml``
    under ``[[topic]]`` with ``key`` = the topic id.
    """

    id: TopicId
    title: str
    parts: tuple[Part, ...]
    keywords: str = ""
    stamp: str = ""


# TRANSLATORS: said instead of a rights explainer whose rules change on {date} (a date
# like "January 1, 2027") when staff have not updated its text yet. Keep the phone number.
TOPIC_CHANGES = N_(
    "New rules on this topic apply from {date}, and we are updating this text. For today's"
    " rules, call the Labor Commissioner 833-526-4636."
)

TOPICS: tuple[Topic, ...] = (
    Topic(
        id=TopicId.MINIMUM_WAGE,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", 'minimum wage, min wage, minimum, wage rate, pay rate'),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        # {as_of} is a month and year, e.g. "Feb 2026".
        stamp=N_("Source: CA Labor Code, LA City OWS. As of {as_of}."),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: minimum wage.
        title=N_("Minimum wage"),
        parts=(
            # TRANSLATORS: Minimum wage, part 1/5. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            (N_(
                "Your minimum wage depends on where you work. Your employer must pay the"
                " highest rate that applies: state, county, city or industry. It applies"
                " whatever your immigration status."
            ),),
            (
                Figure(
                    "ca_minimum_wage",
                    # TRANSLATORS: Minimum wage, part 2/5, first sentence. SMS, 2 segments at
                    # most for the whole part with the menu under it: about 115 Korean or 270
                    # Spanish characters. {amount} is like $16.90; {since} a date like
                    # "January 1, 2026".
                    stated=N_("California: {amount} an hour from {since}, for every employer."),
                    # TRANSLATORS: Minimum wage, part 2/5, said instead of the sentence above
                    # once that rate is out of date (SMS, 2 segments at most for the part):
                    # {date} is the day the state rate changes, like "January 1, 2027".
                    # Keep the phone number.
                    changes=N_(
                        "California: a new minimum wage applies from {date}. For today's rate,"
                        " call the Labor Commissioner 833-526-4636."
                    ),
                ),
                # TRANSLATORS: Minimum wage, part 2/5, after the state rate (SMS, 2 segments
                # at most for the part).
                N_("Tips cannot count toward the minimum wage."),
            ),
            (
                # TRANSLATORS: Minimum wage, part 3/5, first sentence. SMS, 2 segments at
                # most for the whole part with the menu under it: about 115 Korean or 270
                # Spanish characters.
                N_("A city or county rate applies if you work there 2 hours or more in a week."),
                Figure(
                    "la_city_minimum_wage",
                    # TRANSLATORS: Minimum wage, part 3/5, after the sentence above (SMS, 2
                    # segments at most for the part). {amount} is like $17.87; {since} a date
                    # like "July 1, 2025".
                    stated=N_("City of LA: {amount} an hour from {since}."),
                    # TRANSLATORS: Minimum wage, part 3/5, said instead of the sentence above
                    # once that rate is out of date (SMS, 2 segments at most for the part):
                    # {date} is the day the LA City rate changes, like "July 1, 2026". Keep
                    # the phone number.
                    changes=N_(
                        "City of LA: a new rate applies from {date}. For today's rate, call"
                        " 1-844-924-3752."
                    ),
                ),
            ),
            (
                Figure(
                    "la_county_minimum_wage",
                    # TRANSLATORS: Minimum wage, part 4/5, first sentence. SMS, 2 segments at
                    # most for the whole part with the menu under it: about 115 Korean or 270
                    # Spanish characters. "LA County areas outside any city" are the
                    # unincorporated areas. {amount} is like $17.81; {since} a date like
                    # "July 1, 2025".
                    stated=N_(
                        "LA County areas outside any city (like East LA): {amount} an hour from"
                        " {since}."
                    ),
                    # TRANSLATORS: Minimum wage, part 4/5, said instead of the sentence above
                    # once that rate is out of date (SMS, 2 segments at most for the part):
                    # {date} is the day the county rate changes, like "July 1, 2026". Keep
                    # the phone number.
                    changes=N_(
                        "LA County areas outside any city (like East LA): a new rate applies"
                        " from {date}. For today's rate, call DCBA (800) 593-8222."
                    ),
                ),
                # TRANSLATORS: Minimum wage, part 4/5, after the county rate (SMS, 2 segments
                # at most for the part).
                N_("Garment work must be paid by the hour, not by the piece."),
            ),
            (
                Figure(
                    "fast_food_minimum_wage",
                    # TRANSLATORS: Minimum wage, part 5/5, first sentence. SMS, 2 segments at
                    # most for the whole part with the menu under it: about 120 Korean or 275
                    # Spanish characters. {amount} is like $20.
                    stated=N_(
                        "Some jobs pay more, like at least {amount} an hour at fast-food chains"
                        " with over 60 locations."
                    ),
                    # TRANSLATORS: Minimum wage, part 5/5, said instead of the sentence above
                    # once that rate is out of date (SMS, 2 segments at most for the part):
                    # {date} is the day it changes. Keep the phone number.
                    changes=N_(
                        "Fast-food chains with over 60 locations: a new rate applies from"
                        " {date}. Call the Labor Commissioner 833-526-4636."
                    ),
                ),
                # TRANSLATORS: Minimum wage, part 5/5, the last sentence (SMS, 2 segments at
                # most for the part).
                # "Report a problem at work" is a main-menu item: use the words of the menu.
                N_("Paid less? Choose Report a problem at work in the menu."),
            ),
        ),
    ),
    Topic(
        id=TopicId.UNPAID_WAGES,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", "unpaid, not paid, didnt pay, didn't pay, wage theft, "
                               "final pay, paycheck, no pay"),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        # {as_of} is a month and year, e.g. "Feb 2026".
        stamp=N_("Source: CA Labor Code 201-204. As of {as_of}."),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: unpaid wages, wage theft.
        title=N_("Unpaid wages"),
        parts=(
            # TRANSLATORS: Unpaid wages, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            (N_(
                "Not paying for all the hours you work is wage theft. Generally, pay is due"
                " at least twice a month on set paydays. Weekly or biweekly pay is due"
                " within 7 days after the pay period ends."
            ),),
            # TRANSLATORS: Unpaid wages, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            (N_(
                "Final pay: if you are fired or laid off, all wages are due right away. If"
                " you quit without notice, within 72 hours. If you gave 72 hours' notice, on"
                " your last day."
            ),),
            # TRANSLATORS: Unpaid wages, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            (N_(
                "If the employer willfully pays final wages late, it generally owes a"
                " penalty: your daily wage for each day late, up to 30 days. Write down your"
                " dates, hours and pay."
            ),),
            # TRANSLATORS: Unpaid wages, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            (N_(
                "Many wage claims must be filed within 3 years, some sooner. Act soon. To"
                " report it, choose Report a problem at work in the menu, or call the Labor"
                " Commissioner 833-526-4636."
            ),),
        ),
    ),
    Topic(
        id=TopicId.OVERTIME,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", 'overtime, over time, extra hours'),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        # {as_of} is a month and year, e.g. "Feb 2026".
        stamp=N_("Source: CA Labor Code 510. As of {as_of}."),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: overtime pay.
        title=N_("Overtime"),
        parts=(
            # TRANSLATORS: Overtime, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            (N_(
                "Overtime in California is generally 1.5 times your regular rate for work"
                " over 8 hours in a day or 40 hours in a week, and for the first 8 hours on"
                " the 7th day in a row in a workweek."
            ),),
            # TRANSLATORS: Overtime, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            (N_(
                "Double pay (2 times your regular rate) is generally due for work over 12"
                " hours in a day, and over 8 hours on the 7th day in a row. Overtime is due"
                " by the next regular payday."
            ),),
            # TRANSLATORS: Overtime, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            (N_(
                "Flat pay, like $100 a day, does not cancel the right to overtime. Being paid"
                " a 'salary' does not by itself mean no overtime. Some jobs have other rules;"
                " our staff can look at your case."
            ),),
            # TRANSLATORS: Overtime, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            (N_(
                "Write down the hours you work each day. To report unpaid overtime, choose"
                " Report a problem at work in the menu, or call the Labor Commissioner"
                " 833-526-4636."
            ),),
        ),
    ),
    Topic(
        id=TopicId.BREAKS,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", 'break, breaks, lunch, meal, rest'),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        # Meal breaks come from Labor Code 512, rest breaks from the (IWC) Wage Orders.
        # {as_of} is a month and year, e.g. "Feb 2026".
        stamp=N_("Source: CA Labor Code 512, 226.7; Wage Orders. As of {as_of}."),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: meal and rest breaks.
        title=N_("Meal and rest breaks"),
        parts=(
            # TRANSLATORS: Breaks, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            (N_(
                "Meal break: if you work over 5 hours, you generally get 30 minutes off duty,"
                " starting by the end of the 5th hour. Over 10 hours, a second one. If you"
                " must keep working, it is paid."
            ),),
            # TRANSLATORS: Breaks, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            # "over 6 to 10 hours" means more than 6 hours and at most 10.
            (N_(
                "Rest break: a paid 10 minutes for each 4 hours of work: 1 rest for 3.5 to 6"
                " hours, 2 rests for over 6 to 10 hours. Under 3.5 hours, none is required."
            ),),
            # TRANSLATORS: Breaks, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            (N_(
                "No meal break? The employer generally owes one extra hour of pay at your"
                " regular rate for that day. No rest break? One more extra hour for that day."
            ),),
            # TRANSLATORS: Breaks, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            (N_(
                "Write down each day you missed a break. To report it, choose Report a"
                " problem at work in the menu, or call the Labor Commissioner 833-526-4636."
            ),),
        ),
    ),
    Topic(
        id=TopicId.SICK_LEAVE,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", 'sick, sick leave, sick day, sick days'),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        # {as_of} is a month and year, e.g. "Feb 2026".
        stamp=N_("Source: CA Labor Code 245-249, LA City. As of {as_of}."),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: paid sick leave.
        title=N_("Paid sick leave"),
        parts=(
            # TRANSLATORS: Sick leave, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            (N_(
                "California: if you work 30 days or more for the same employer in a year,"
                " you get paid sick leave, even part-time or temporary. You can generally"
                " use it from your 90th day."
            ),),
            # TRANSLATORS: Sick leave, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            (N_(
                "State law: you generally earn 1 hour per 30 hours worked and can use at"
                " least 40 hours or 5 days a year, whichever is more. Unused hours carry"
                " over; the employer may cap them at 80 hours or 10 days."
            ),),
            # TRANSLATORS: Sick leave, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            (N_(
                "City of LA: if you work there 2 hours or more a week, for 30 days or more in"
                " a year, you can generally use 48 hours of paid sick leave a year."
            ),),
            # TRANSLATORS: Sick leave, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            (N_(
                "Write down the days you were sick and asked for leave. To report it, choose"
                " Report a problem at work in the menu, or call 1-844-924-3752 (LA City) or"
                " 833-526-4636 (state)."
            ),),
        ),
    ),
    Topic(
        id=TopicId.RETALIATION,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", "fired, retaliation, immigration, papers, undocumented, ice, "
                               "threat, threatened"),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        # {as_of} is a month and year, e.g. "Feb 2026".
        stamp=N_("Source: CA Labor Code 98.6, 1019, 1171.5. As of {as_of}."),
        # The review of 2026-11 found "status" vague; "Retaliation, immigration" is 2 over the
        # 22-character limit, and it left the choice to native staff: kept until they pick.
        # TRANSLATORS: Menu label, at most 22 characters. Topic: retaliation (being punished
        # for using your rights) and immigration status.
        title=N_("Retaliation and status"),
        parts=(
            # TRANSLATORS: Retaliation, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            # A "notario" is an immigration consultant who may not give legal advice.
            (N_(
                "California work rights generally apply to all workers, whatever their"
                " immigration status. For immigration questions, see a nonprofit immigration"
                " lawyer, not a notario."
            ),),
            # TRANSLATORS: Retaliation, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            # The 90 days count from the complaint or claim; the law then presumes
            # retaliation (the employer must prove otherwise).
            (N_(
                "It is illegal to fire, punish or threaten you, or cut your hours or pay,"
                " because you complained or filed a claim. If it happens within 90 days after"
                " you complain, the law presumes it is retaliation."
            ),),
            # TRANSLATORS: Retaliation, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            (N_(
                "Threatening to call immigration, or calling it, to punish you for using your"
                " rights is illegal (Labor Code 1019). So is asking, as punishment, for more"
                " papers than the law requires."
            ),),
            # TRANSLATORS: Retaliation, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            (N_(
                "A retaliation complaint is generally due within 1 year. Act soon. We do not"
                " ask about immigration status. To report it, choose Report a problem at work"
                " in the menu, or call 833-526-4636."
            ),),
        ),
    ),
    Topic(
        id=TopicId.SAFETY,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", 'heat, hot, safety, unsafe, injury, injured, hurt, water, shade'),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        # {as_of} is a month and year, e.g. "Feb 2026".
        stamp=N_("Source: Cal/OSHA, Title 8 3395-3396. As of {as_of}."),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: health and safety, heat.
        title=N_("Safety and heat"),
        parts=(
            # TRANSLATORS: Safety, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            # 80F is 80 degrees Fahrenheit (about 27 C); keep the Fahrenheit number.
            (N_(
                "Emergency, heat illness or injury? Call 911 first. Outdoor work: your"
                " employer must give free cool water, enough for 1 quart per hour, and shade"
                " when it is over 80F."
            ),),
            # TRANSLATORS: Safety, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            # 82F is 82 degrees Fahrenheit (about 28 C); keep the Fahrenheit number.
            (N_(
                "You can take a cool-down rest of at least 5 minutes when you need it."
                " Indoors (kitchens, garment shops, warehouses): at 82F or more, the employer"
                " must give water and a cool area."
            ),),
            # TRANSLATORS: Safety, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            # Keep both conditions: the law allows refusing only when both are true.
            (N_(
                "You may generally refuse a task only if both are true: it breaks a safety"
                " rule, and it is a real and apparent danger. Tell your supervisor, offer to"
                " do safe work, and call Cal/OSHA."
            ),),
            # TRANSLATORS: Safety, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            (N_(
                "Punishing you for a safety complaint is illegal. Cal/OSHA keeps your name"
                " confidential if you ask. Call the Cal/OSHA office for your job site, or"
                " choose Report a problem at work in the menu."
            ),),
        ),
    ),
    Topic(
        id=TopicId.TIPS_PAYSTUBS,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", 'tip, tips, pay stub, paystub, stub'),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        # {as_of} is a month and year, e.g. "Feb 2026".
        stamp=N_("Source: CA Labor Code 226, 351. As of {as_of}."),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: tips and pay stubs.
        title=N_("Tips and pay stubs"),
        parts=(
            # TRANSLATORS: Tips and stubs, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            (N_(
                "Tips belong to workers. Owners, managers and supervisors cannot take any part"
                " of them. Tips cannot count toward the minimum wage. Card tips must be paid"
                " in full by the next payday."
            ),),
            # TRANSLATORS: Tips and stubs, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            (N_(
                "Tip pools are generally allowed only among workers who serve customers, not"
                " supervisors. You must get a pay stub with every payment, even if you are"
                " paid in cash or by personal check."
            ),),
            # TRANSLATORS: Tips and stubs, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            (N_(
                "A pay stub must show hours, each pay rate, gross and net pay, deductions, pay"
                " period dates and the employer's legal name. You can get copies of your"
                " payroll records within 21 days of asking."
            ),),
            # TRANSLATORS: Tips and stubs, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            (N_(
                "Keep your stubs. Write down your hours and tips each day. To report it,"
                " choose Report a problem at work in the menu, or call the Labor Commissioner"
                " 833-526-4636."
            ),),
        ),
    ),
    Topic(
        id=TopicId.FILE_CLAIM,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", 'claim, file a claim, labor commissioner, labor board'),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        # {as_of} is a month and year, e.g. "Feb 2026".
        stamp=N_("Source: CA Labor Commissioner, LA City OWS. As of {as_of}."),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: how to file a wage claim.
        title=N_("How to file a claim"),
        parts=(
            # TRANSLATORS: Filing, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            (N_(
                "Labor Commissioner (state): 833-526-4636. It does not ask about immigration"
                " status. You need no SSN, photo ID or lawyer. Claim forms come in Korean and"
                " Spanish, and hearings have interpreters."
            ),),
            # TRANSLATORS: Filing, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            # 3-1-1 is the LA City information line; keep it as it is. "LA County areas
            # outside any city" are the unincorporated areas.
            (N_(
                "LA City minimum wage or sick leave: Office of Wage Standards 1-844-924-3752"
                " (other languages: 3-1-1). LA County areas outside any city: DCBA"
                " (800) 593-8222; it does not ask your status."
            ),),
            # TRANSLATORS: Filing, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            (N_(
                "Many wage claims must be filed within 3 years, some sooner. Retaliation"
                " complaints are due within 1 year. Act soon. Write down your dates, hours"
                " and pay before you call."
            ),),
            # TRANSLATORS: Filing, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            (N_(
                "You can still file after leaving California or the US. We can help: choose"
                " Report a problem at work in the menu so a staff member can follow up."
            ),),
        ),
    ),
)

_BY_ID = {t.id: t for t in TOPICS}


def topic(topic_id: TopicId) -> Topic:
    """Return the explainer for topic_id."""
    return _BY_ID[topic_id]


def figure_keys(t: Topic) -> tuple[str, ...]:
    """Return the keys of the dated figures a topic fills in, in order."""
    return tuple(p.key for part in t.parts for p in part if isinstance(p, Figure))


def msgids(t: Topic) -> tuple[str, ...]:
    """Return every sentence of a topic's parts (both forms of each figure)."""
    found: list[str] = []
    for part in t.parts:
        for piece in part:
            found += [piece.stated, piece.changes] if isinstance(piece, Figure) else [piece]
    return tuple(found)
