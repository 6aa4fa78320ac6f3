"""The "Know your rights" explainers as data: one topic, a few SMS parts each.

Every figure here comes from the fact sheet the workers' center keeps (rights-facts.md),
and only from rows marked HIGH or MED. Where the sheet says NOT FOUND or LOW, the text
sends the worker to the agency instead of stating a figure. The English is the gettext
msgid; translators work from the `# TRANSLATORS:` comments. Each part must stay within
200 characters of plain ASCII so that the Korean translation, plus a menu line, fits in
two UCS-2 segments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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
class Topic:
    """One rights explainer: a menu label, its SMS parts, and where its facts come from.

    ``sources``, ``reviewed`` and ``recheck`` are for staff, never sent to workers:
    ``reviewed`` is the date the facts were last checked (not the date of an edit), and
    ``recheck`` says in plain words when someone must check them again.
    ``keywords`` lists words that open the topic from a menu or a first message
    ("최저임금 얼마에요?"); ``stamp`` is the short source-and-date line sent under
    the first part, as the fact sheet asks of every factual SMS.
    """

    id: TopicId
    title: str
    parts: tuple[str, ...]
    sources: tuple[str, ...]
    reviewed: date
    recheck: str
    keywords: str = ""
    stamp: str = ""


#: The fact sheet reflects pages up to about February 2026; no figure was re-checked
#: on a live agency site after that. Move this only after a person has re-checked.
FACT_SHEET_DATE = date(2026, 2, 1)

#: Every figure, number, date, phone and statute a part may mention. Each one MUST be in
#: the fact sheet (rights-facts.md) with HIGH or MED confidence; the tests refuse a part
#: that uses a figure missing from this set. Add a figure here only after checking it there.
FIGURES_FROM_FACT_SHEET: frozenset[str] = frozenset(
    {
        # 1. Minimum wage: state rate 2026, LA City rate from 2025-07-01 (the rate from
        # 2026-07-01 is NOT FOUND, so it is never stated), coverage after 2 hours a week,
        # fast food (AB 1228) for chains with more than 60 locations.
        "$16.90",
        "2026",
        "$17.87",
        "July 1",
        "July 1, 2025",
        "2 hours",
        "$20",
        "60 locations",
        # 2. Overtime (Labor Code 510, 1194).
        "1.5 times",
        "2 times",
        "8 hours",
        "40 hours",
        "12 hours",
        "7th day",
        "$100",
        # 3. Meal and rest breaks (Labor Code 512, 226.7; Wage Orders section 12).
        "5 hours",
        "30 minutes",
        "5th hour",
        "10 hours",
        "10 minutes",
        "4 hours",
        "3.5 hours",
        "2 rests",
        # 4. Paid sick leave (Labor Code 245-249; LAMC 187).
        "30 days",
        "90th day",
        "1 hour",
        "30 hours",
        "5 days",
        "80 hours",
        "48 hours",
        # 5. Pay, final pay, payroll records (Labor Code 201-204, 226).
        "7 days",
        "72 hours",
        "21 days",
        # 6. Where to file, deadlines (section 13 item 6 wording).
        "3 years",
        "1 year",
        "833-526-4636",
        "1-844-924-3752",
        "3-1-1",
        "(800) 593-8222",
        # 7. Retaliation and immigration status.
        "90 days",
        "Labor Code 1019",
        # 9. Health and safety (Title 8 sections 3395, 3396; Labor Code 6311).
        "911",
        "1 quart",
        "80F",
        "82F",
        "5 minutes",
    }
)

_MINIMUM_WAGE_RECHECK = (
    "Every Jan 1 (state rate) and Jul 1 (LA City and LA County rates, announced about"
    " Feb 1). The LA City rate from 2026-07-01 is still unconfirmed, so the text gives"
    " no current City rate. Before 2027-01-01 replace the 2026 state rate ($16.90) with"
    " the 2027 rate certified by the Department of Finance. Also check whether the Fast"
    " Food Council raised the $20 rate."
)

TOPICS: tuple[Topic, ...] = (
    Topic(
        id=TopicId.MINIMUM_WAGE,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", 'minimum wage, min wage, minimum, wage rate, pay rate'),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        stamp=N_('Source: CA Labor Code, LA City OWS. As of Feb 2026.'),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: minimum wage.
        title=N_("Minimum wage"),
        parts=(
            # TRANSLATORS: Minimum wage, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            N_(
                "Your minimum wage depends on where you work. Your employer must pay the"
                " highest rate that applies: state, county, city or industry. It applies"
                " whatever your immigration status."
            ),
            # TRANSLATORS: Minimum wage, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            N_(
                "California: $16.90 an hour in 2026, for every employer. Tips cannot count"
                " toward it. The City of LA rate is higher and changes every July 1. It was"
                " $17.87 from July 1, 2025."
            ),
            # TRANSLATORS: Minimum wage, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            N_(
                "A city or county rate applies if you work 2 hours or more in a week there."
                " For today's LA City rate, call 1-844-924-3752. Unincorporated LA County"
                " (like East LA): call DCBA (800) 593-8222."
            ),
            # TRANSLATORS: Minimum wage, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            N_(
                "Some jobs pay more, like at least $20 at fast-food chains with over 60"
                " locations. Garment work must be paid by the hour, not by the piece. Paid"
                " less? Choose Report a problem at work in the menu."
            ),
        ),
        sources=(
            "CA minimum wage $16.90 (2026-01-01), Labor Code 1182.12, CA Department of"
            " Finance: ymsllp.com/blog/2026/01/california-minimum-wage-2026;"
            " hrledger.com/california-minimum-wage-increases-in-2026;"
            " particle.news/story/california-minimum-wage-to-rise-to-1690-in-2026",
            "No tip credit, Labor Code 351: shouselaw.com/ca/labor/labor-code-351",
            "LA City minimum wage ordinance (LAMC 187), Office of Wage Standards,"
            " $17.87 from 2025-07-01, 2 hours a week, CPI-W each July 1: wagesla.lacity.org;"
            " employer-law.com/?p=3115; employers.org/?p=64103; kalam.cc/home/news_view/56426",
            "LA County DCBA (800) 593-8222 for unincorporated areas:"
            " scvnews.com/july-1-minimum-wage-in-unincorporated-county-increases-to-17-81-hour/;"
            " 2urbangirls.com/2024/09/county-reminds-employees-about-increased-minimum-wage"
            "-in-unincorporated-areas/",
            "Fast-food minimum wage $20, AB 1228, Labor Code 1474-1476:"
            " kmtg.com/news/legal-alerts/ab1228-fast-food-minimum-wage-law-takes-effect-today"
            "-april-1-2024/; timetrex.com/?p=25518",
            "Garment piece-rate ban, SB 62: dir.ca.gov/dlse/GarmentFAQs/",
        ),
        reviewed=FACT_SHEET_DATE,
        recheck=_MINIMUM_WAGE_RECHECK,
    ),
    Topic(
        id=TopicId.UNPAID_WAGES,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", "unpaid, not paid, didnt pay, didn't pay, wage theft, "
                               "final pay, paycheck, no pay"),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        stamp=N_('Source: CA Labor Code 201-204. As of Feb 2026.'),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: unpaid wages, wage theft.
        title=N_("Unpaid wages"),
        parts=(
            # TRANSLATORS: Unpaid wages, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            N_(
                "Not paying for all the hours you work is wage theft. Generally, pay is due"
                " at least twice a month on set paydays. Weekly or biweekly pay is due"
                " within 7 days after the pay period ends."
            ),
            # TRANSLATORS: Unpaid wages, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            N_(
                "Final pay: if you are fired or laid off, all wages are due right away. If"
                " you quit without notice, within 72 hours. If you gave 72 hours' notice, on"
                " your last day."
            ),
            # TRANSLATORS: Unpaid wages, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            N_(
                "If the employer willfully pays final wages late, it generally owes a"
                " penalty: your daily wage for each day late, up to 30 days. Write down your"
                " dates, hours and pay."
            ),
            # TRANSLATORS: Unpaid wages, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            N_(
                "Many wage claims must be filed within 3 years, some sooner. Act soon. To"
                " report it, choose Report a problem at work in the menu, or call the Labor"
                " Commissioner 833-526-4636."
            ),
        ),
        sources=(
            "Payday, Labor Code 204: law.onecle.com/california/labor/204.html;"
            " legalclarity.org/california-labor-code-204-time-of-payment-of-wages",
            "Final pay, Labor Code 201-202, 227.3: californiaemploymentlawreport.com"
            " (five reminders); wlawinc.com/answers/2025/3/21/what-are-waiting-time-penalties",
            "Waiting-time penalty, Labor Code 203: shouselawdev.wpengine.com/ca/labor/"
            "labor-code-203; duvel-law.com/waiting-time-penalties",
            "Claim deadlines (DIR wage-claim FAQ): lelawfirm.com/wage-claim-faqs/;"
            " ferrarovega.com/blog/how-to-file-a-wage-claim-in-california;"
            " reyeslawpc.com/wage-and-hour-faqs",
            "Labor Commissioner 833-526-4636: dir.ca.gov/DIRNews/2025/2025-53.html",
        ),
        reviewed=FACT_SHEET_DATE,
        recheck=(
            "Every Jan 1 and Jul 1 with the rest of the sheet; the rules are long-standing"
            " statutes, but confirm the Labor Commissioner phone on dir.ca.gov."
        ),
    ),
    Topic(
        id=TopicId.OVERTIME,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", 'overtime, over time, extra hours'),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        stamp=N_('Source: CA Labor Code 510. As of Feb 2026.'),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: overtime pay.
        title=N_("Overtime"),
        parts=(
            # TRANSLATORS: Overtime, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            N_(
                "Overtime in California is generally 1.5 times your regular rate for work"
                " over 8 hours in a day or 40 hours in a week, and for the first 8 hours on"
                " the 7th day in a row in a workweek."
            ),
            # TRANSLATORS: Overtime, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            N_(
                "Double pay (2 times your regular rate) is generally due for work over 12"
                " hours in a day, and over 8 hours on the 7th day in a row. Overtime is due"
                " by the next regular payday."
            ),
            # TRANSLATORS: Overtime, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            N_(
                "A flat pay, like $100 a day, does not cancel the right to overtime. Being"
                " called salaried does not by itself mean no overtime. Some jobs have other"
                " rules; staff can look at yours."
            ),
            # TRANSLATORS: Overtime, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            N_(
                "Write down the hours you work each day. To report unpaid overtime, choose"
                " Report a problem at work in the menu, or call the Labor Commissioner"
                " 833-526-4636."
            ),
        ),
        sources=(
            "Overtime, Labor Code 510: haveylawoffices.com/labor-code-510;"
            " payablaw.com/blog/2017/august/overtime-violations-in-california",
            "Flat pay does not waive overtime, Labor Code 1194: uslegalforms.com",
            "Salary test for exempt workers: ymsllp.com/blog/2026/01/california-minimum-wage-2026",
            "Overtime due by next payday, Labor Code 204: law.onecle.com/california/labor/204.html",
            "Labor Commissioner 833-526-4636: dir.ca.gov/DIRNews/2025/2025-53.html",
        ),
        reviewed=FACT_SHEET_DATE,
        recheck="Every Jan 1 with the rest of the sheet; Labor Code 510 is long-standing.",
    ),
    Topic(
        id=TopicId.BREAKS,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", 'break, breaks, lunch, meal, rest'),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        stamp=N_('Source: CA Labor Code 512, 226.7. As of Feb 2026.'),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: meal and rest breaks.
        title=N_("Meal and rest breaks"),
        parts=(
            # TRANSLATORS: Breaks, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            N_(
                "Meal break: if you work over 5 hours, you generally get 30 minutes off duty,"
                " starting by the end of the 5th hour. Over 10 hours, a second one. If you"
                " must keep working, it is paid."
            ),
            # TRANSLATORS: Breaks, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            N_(
                "Rest break: 10 minutes, paid, for every 4 hours you work (or major part of 4"
                " hours). Not required if the day is under 3.5 hours. A day of 8 hours"
                " generally gets 2 rests."
            ),
            # TRANSLATORS: Breaks, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            N_(
                "No meal break? The employer generally owes one extra hour of pay at your"
                " regular rate for that day. No rest break? One more extra hour for that day."
            ),
            # TRANSLATORS: Breaks, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            N_(
                "Write down each day you missed a break. To report it, choose Report a"
                " problem at work in the menu, or call the Labor Commissioner 833-526-4636."
            ),
        ),
        sources=(
            "Meal periods, Labor Code 512: payablaw.com/blog/2016/may/how-much-meal-period"
            "-am-i-entitled-to-in-califor/; jaekimlaw.com/meal-periods/",
            "Rest periods, Wage Orders section 12: boulter-law.com/practice-area/"
            "employment-law/rest-periods/; uslegalforms.com",
            "One-hour premium, Labor Code 226.7: californiaemploymentlawreport.com/tags/"
            "united-parcel-service/",
            "Labor Commissioner 833-526-4636: dir.ca.gov/DIRNews/2025/2025-53.html",
        ),
        reviewed=FACT_SHEET_DATE,
        recheck="Every Jan 1 with the rest of the sheet; the rules are long-standing.",
    ),
    Topic(
        id=TopicId.SICK_LEAVE,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", 'sick, sick leave, sick day, sick days'),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        stamp=N_('Source: CA Labor Code 245-249, LA City. As of Feb 2026.'),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: paid sick leave.
        title=N_("Paid sick leave"),
        parts=(
            # TRANSLATORS: Sick leave, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            N_(
                "California: if you work 30 days or more for the same employer in a year,"
                " you get paid sick leave, even part-time or temporary. You can generally"
                " use it from your 90th day."
            ),
            # TRANSLATORS: Sick leave, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            N_(
                "State law: you generally earn 1 hour for every 30 hours worked, and can use"
                " at least 40 hours or 5 days a year, whichever is more. Unused hours carry"
                " over; the employer may cap them at 80 hours."
            ),
            # TRANSLATORS: Sick leave, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            N_(
                "City of LA: if you work there 2 hours or more a week, for 30 days or more in"
                " a year, you can generally use 48 hours of paid sick leave a year."
            ),
            # TRANSLATORS: Sick leave, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            N_(
                "Write down the days you were sick and asked for leave. To report it, choose"
                " Report a problem at work in the menu, or call 1-844-924-3752 (LA City) or"
                " 833-526-4636 (state)."
            ),
        ),
        sources=(
            "CA paid sick leave, Labor Code 245-249 as amended by SB 616:"
            " lcwlegal.com/news/sb-616-amends-californias-paid-sick-leave-law;"
            " legalclarity.org/california-sb-616-new-paid-sick-leave-requirements-2; mondaq.com",
            "LA City paid sick leave, LAMC 187, Office of Wage Standards:"
            " lexology.com/library/detail.aspx?g=ed016c8e-cd78-46d1-b6a0-c78c7d05d3b3;"
            " kmm.com (City of Los Angeles paid sick leave); wagesla.lacity.org",
            "Labor Commissioner 833-526-4636: dir.ca.gov/DIRNews/2025/2025-53.html",
        ),
        reviewed=FACT_SHEET_DATE,
        recheck=(
            "Every Jan 1 and Jul 1 (state law changes take effect Jan 1; LA City ordinance"
            " changes often Jul 1). The sick-leave balance on the paystub (Labor Code"
            " 246(i)) is LOW confidence and is not stated; confirm before adding it."
        ),
    ),
    Topic(
        id=TopicId.RETALIATION,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", "fired, retaliation, immigration, papers, undocumented, ice, "
                               "threat, threatened"),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        stamp=N_('Source: CA Labor Code 98.6, 1019, 1171.5. As of Feb 2026.'),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: retaliation (being punished
        # for using your rights) and immigration status.
        title=N_("Retaliation and status"),
        parts=(
            # TRANSLATORS: Retaliation, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            # A "notario" is an immigration consultant who may not give legal advice.
            N_(
                "California work rights generally apply to all workers, whatever their"
                " immigration status. For immigration questions, see a nonprofit immigration"
                " lawyer, not a notario."
            ),
            # TRANSLATORS: Retaliation, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            N_(
                "It is illegal to fire, punish or threaten you, or cut your hours or pay, for"
                " complaining about pay or conditions or filing a claim. Within 90 days, it"
                " is presumed to be retaliation."
            ),
            # TRANSLATORS: Retaliation, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            N_(
                "Threatening to call immigration, or calling it, to punish you for using your"
                " rights is illegal (Labor Code 1019). So is asking, as punishment, for more"
                " papers than the law requires."
            ),
            # TRANSLATORS: Retaliation, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            N_(
                "A retaliation complaint is generally due within 1 year. Act soon. We do not"
                " ask about immigration status. To report it, choose Report a problem at work"
                " in the menu, or call 833-526-4636."
            ),
        ),
        sources=(
            "Rights regardless of status, Labor Code 1171.5: allanvillanuevalaw.com/84;"
            " leginfo AB 263 (2013)",
            "Unfair immigration-related practices, Labor Code 1019:"
            " dir.ca.gov/DIRNews/2025/2025-53.html; self-law.org/code/ca/labor-code/1019-1;"
            " faegredrinker.com (2025-06)",
            "Retaliation and 90-day presumption, Labor Code 98.6, 1102.5, SB 497:"
            " natlawreview.com/article/new-california-law-makes-proving-labor-code"
            "-retaliation-claims-easier-employees; workcompacademy.com (2023-11)",
            "One-year retaliation complaint deadline, Labor Code 98.7, AB 1947:"
            " publicemployees.legal; lexology.com; legiscan AB 1947",
            "No immigration advice, notarios: Immigration Consultant Act, Bus. & Prof. Code"
            " 22440-22449 (fact sheet section 13)",
            "Labor Commissioner 833-526-4636: dir.ca.gov/DIRNews/2025/2025-53.html",
        ),
        reviewed=FACT_SHEET_DATE,
        recheck=(
            "Every Jan 1 (new state laws) and whenever immigration enforcement at work"
            " changes; Labor Code 1019 and 98.7 stay in force unless amended."
        ),
    ),
    Topic(
        id=TopicId.SAFETY,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", 'heat, hot, safety, unsafe, injury, injured, hurt, water, shade'),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        stamp=N_('Source: Cal/OSHA, Title 8 3395-3396. As of Feb 2026.'),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: health and safety, heat.
        title=N_("Safety and heat"),
        parts=(
            # TRANSLATORS: Safety, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            # 80F is 80 degrees Fahrenheit (about 27 C); keep the Fahrenheit number.
            N_(
                "Emergency, heat illness or injury? Call 911 first. Outdoor work: your"
                " employer must give free cool water, enough for 1 quart per hour, and shade"
                " when it is over 80F."
            ),
            # TRANSLATORS: Safety, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            # 82F is 82 degrees Fahrenheit (about 28 C); keep the Fahrenheit number.
            N_(
                "You can take a cool-down rest of at least 5 minutes when you need it."
                " Indoors (kitchens, garment shops, warehouses): at 82F or more, the employer"
                " must give water and a cool area."
            ),
            # TRANSLATORS: Safety, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            # Keep both conditions: the law allows refusing only when both are true.
            N_(
                "You may generally refuse a task only if both are true: it breaks a safety"
                " rule, and it is a real and apparent danger. Tell your supervisor, offer to"
                " do safe work, and call Cal/OSHA."
            ),
            # TRANSLATORS: Safety, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            N_(
                "Punishing you for a safety complaint is illegal. Cal/OSHA keeps your name"
                " confidential if you ask. Call the Cal/OSHA office for your job site, or"
                " choose Report a problem at work in the menu."
            ),
        ),
        sources=(
            "Outdoor heat, Title 8 section 3395: dir.ca.gov/title8/3395.html;"
            " ecasocal.org (Cal/OSHA shade release); fentonkeller.com/fk-articles/"
            "heat-illness-prevention/",
            "Indoor heat, Title 8 section 3396: dir.ca.gov/DOSH/HeatIllnessInfo.html;"
            " ielabor.org/2024/08/01; mondaq.com (2024-06-24)",
            "Right to refuse, Labor Code 6310, 6311: job-99.com (Cal/OSHA right-to-refuse"
            " pamphlet); ldglaw.com/blog/how-do-i-report-unsafe-working-conditions/",
            "Cal/OSHA complaints, confidentiality, Labor Code 6309: dir.ca.gov/dosh/"
            "Complaint.htm; dir.ca.gov/DOSH/EnforcementPage.htm",
        ),
        reviewed=FACT_SHEET_DATE,
        recheck=(
            "Every Jan 1 and before each summer (heat rules). The LA Cal/OSHA district"
            " office phone is NOT FOUND in the sheet, so the text names no number; add it"
            " only after checking dir.ca.gov/dosh (1-800-321-OSHA is federal OSHA, not"
            " Cal/OSHA)."
        ),
    ),
    Topic(
        id=TopicId.TIPS_PAYSTUBS,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", 'tip, tips, pay stub, paystub, stub'),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        stamp=N_('Source: CA Labor Code 226, 351. As of Feb 2026.'),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: tips and pay stubs.
        title=N_("Tips and pay stubs"),
        parts=(
            # TRANSLATORS: Tips and stubs, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            N_(
                "Tips belong to workers. Owners, managers and supervisors cannot take any part"
                " of them. Tips cannot count toward the minimum wage. Card tips must be paid"
                " in full by the next payday."
            ),
            # TRANSLATORS: Tips and stubs, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            N_(
                "Tip pools are generally allowed only among workers who serve customers, not"
                " supervisors. You must get a pay stub with every payment, even if you are"
                " paid in cash or by personal check."
            ),
            # TRANSLATORS: Tips and stubs, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            N_(
                "A pay stub must show hours, each pay rate, gross and net pay, deductions, pay"
                " period dates and the employer's legal name. You can get copies of your"
                " payroll records within 21 days of asking."
            ),
            # TRANSLATORS: Tips and stubs, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            N_(
                "Keep your stubs. Write down your hours and tips each day. To report it,"
                " choose Report a problem at work in the menu, or call the Labor Commissioner"
                " 833-526-4636."
            ),
        ),
        sources=(
            "Tips, Labor Code 350-351: shouselaw.com/ca/labor/labor-code-351;"
            " californiaemploymentlawreport.com/2014/10/articles/best-practices/"
            "five-tips-about-tips-under-california-law/; californiawagelaw.com",
            "Pay stubs, Labor Code 226: collierlawsf.com (statute text); eskridgelaw.net/"
            "employer-penalties-in-violation-of-labor-code-section-226",
            "Payroll records within 21 days, Labor Code 226: lebelaw.com/practice-areas/"
            "employment-wage-theft-lawyer/wage-statements/; eskridgelaw.net",
            "Labor Commissioner 833-526-4636: dir.ca.gov/DIRNews/2025/2025-53.html",
        ),
        reviewed=FACT_SHEET_DATE,
        recheck="Every Jan 1 with the rest of the sheet; the rules are long-standing.",
    ),
    Topic(
        id=TopicId.FILE_CLAIM,
        # TRANSLATORS: comma-separated words that open this topic (add your language's
        # everyday words, with and without accents).
        keywords=NP_("keywords", 'claim, file a claim, labor commissioner, labor board'),
        # TRANSLATORS: source line under the first part of this topic. Keep it short.
        stamp=N_('Source: CA Labor Commissioner, LA City OWS. As of Feb 2026.'),
        # TRANSLATORS: Menu label, at most 22 characters. Topic: how to file a wage claim.
        title=N_("How to file a claim"),
        parts=(
            # TRANSLATORS: Filing, part 1/4. SMS, 2 segments at most
            # with the source line and the menu: about 75 Korean or 200 Spanish characters.
            N_(
                "Labor Commissioner (state): 833-526-4636. It does not ask about immigration"
                " status. You need no SSN, photo ID or lawyer. Claim forms are in Korean and"
                " Spanish; interpreters at hearings."
            ),
            # TRANSLATORS: Filing, part 2/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            # 3-1-1 is the LA City information line; keep it as it is.
            N_(
                "LA City minimum wage or sick leave: Office of Wage Standards 1-844-924-3752"
                " (other languages: 3-1-1). Unincorporated LA County: DCBA (800) 593-8222;"
                " it does not ask your status."
            ),
            # TRANSLATORS: Filing, part 3/4. SMS, 2 segments at most
            # with the menu under it: about 115 Korean or 270 Spanish characters.
            N_(
                "Many wage claims must be filed within 3 years, some sooner. Retaliation"
                " complaints are due within 1 year. Act soon. Write down your dates, hours"
                " and pay before you call."
            ),
            # TRANSLATORS: Filing, part 4/4. SMS, 2 segments at most
            # with the menu under it: about 120 Korean or 275 Spanish characters.
            # "Report a problem at work" is a main-menu item: use the words of the menu.
            N_(
                "You can still file after leaving California or the US. We can help: choose"
                " Report a problem at work in the menu so a staff member can follow up."
            ),
        ),
        sources=(
            "Labor Commissioner 833-526-4636, no immigration questions:"
            " dir.ca.gov/DIRNews/2025/2025-53.html; reyeslawpc.com/basics-of-wage-hour",
            "Interpreters, Labor Code 105: law.onecle.com/california/labor/105.html",
            "Claim forms in Korean and Spanish: dir.ca.gov/dlse/New_Form.htm;"
            " wagetheftisacrime.com/File-Wage-Claim.html",
            "LA City Office of Wage Standards 1-844-WAGES-LA (1-844-924-3752), 3-1-1:"
            " wagesla.lacity.org",
            "LA County DCBA (800) 593-8222, no immigration questions: 2urbangirls.com/2024/09/"
            "county-reminds-employees-about-increased-minimum-wage-in-unincorporated-areas/;"
            " scvnews.com; dcba.lacounty.gov; 211la.org",
            "Deadlines (DIR wage-claim FAQ; Labor Code 98.7): lelawfirm.com/wage-claim-faqs/;"
            " ferrarovega.com/blog/how-to-file-a-wage-claim-in-california;"
            " publicemployees.legal",
        ),
        reviewed=FACT_SHEET_DATE,
        recheck=(
            "Every Jan 1 and Jul 1: call each number before relying on it (offices and"
            " phones may have moved; the OWS site may now be wagesla.lacity.gov)."
        ),
    ),
)

_BY_ID = {t.id: t for t in TOPICS}


def topic(topic_id: TopicId) -> Topic:
    """Return the explainer for topic_id."""
    return _BY_ID[topic_id]
