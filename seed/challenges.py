"""Demo challenges, each with its pitches and the ratings they get.

A challenge is taken from draft to its `status`, step by step, through the services, at
the moments `days_ago` gives for each status it reaches (`posted`: created as a draft;
seed/timeline.py places the rest). `closed` without `shortlisted` among them goes straight
from open to closed (cancelled); a closed challenge with `shortlisted` went through a
published shortlist first. `deadline_days` is counted from the day the data is loaded.

A pitch's `public` is (number of residents rating it, the mean they lean to): the stars
are drawn from a fixed seed, so every load gives the same ratings. `panel` maps panel
members (officers of the council, invited experts) to their stars. Comments are in
seed/comments.py.
"""

CHALLENGES = [
    # ---- shortlisted: the published, frozen shortlist --------------------------------------
    {
        "council": "Lambeth Council", "by": "officer@lambeth.example",
        "title": "Give residents a real say in where the budget cuts fall",
        "summary": "We must save £30m over three years. Help us find a way for residents to "
                   "weigh the choices with us, not just comment on them afterwards.",
        "description": "Every year we run a budget consultation and every year the same few "
                       "hundred people answer it. We want tools that let thousands of "
                       "residents understand the trade-offs (libraries or street cleaning? "
                       "fewer buildings or fewer staff?) and tell us what they would "
                       "protect. Anything we use must work on a phone and in our libraries.",
        "tags": ["budget", "consultation", "engagement"], "deadline_days": -20,
        "settings": {"shortlist_size": 2},
        "status": "shortlisted",
        "days_ago": {"posted": 58, "open": 56, "voting": 20, "shortlisted": 16},
        "pitches": [
            {"supplier": "Yoosk", "by": "team@yoosk.example",
             "title": "Budget Q&A: residents ask, cabinet members answer in public",
             "summary": "A month of open questions on the budget, answered on the record by "
                        "the cabinet member responsible.",
             "description": "Residents post and vote up questions; the most wanted get a "
                            "written or video answer within a week. Everything stays public, "
                            "so the next year's consultation starts from what was said.",
             "pricing": "freemium", "price_note": "Free for one campaign; £4,500 a year for "
                                                  "unlimited campaigns.",
             "video_url": "https://video.example/yoosk/budget-qa",
             "tags": ["q-and-a", "transparency"], "public": (16, 4.3),
             "panel": {"officer@lambeth.example": 4, "digital@lambeth.example": 5}},
            {"supplier": "Debatewise", "by": "team@debatewise.example",
             "title": "The budget debate: every option with its best arguments for and against",
             "summary": "Each saving on the table becomes a debate page residents add "
                        "arguments to, and vote on.",
             "description": "Officers seed each option with the facts; residents add and rank "
                            "arguments. The result is a readable summary of what people "
                            "think and why, not a pile of free-text answers.",
             "pricing": "paid", "price_note": "£6,000 per consultation, moderation included.",
             "tags": ["debate", "deliberation"], "public": (11, 3.9),
             "panel": {"officer@lambeth.example": 5}},
            {"supplier": "Uservoice", "by": "team@uservoice.example",
             "title": "Ideas forum for savings suggested by residents",
             "summary": "Residents suggest savings and vote on each other's ideas; officers "
                        "respond to the top ten.",
             "pricing": "free", "price_note": "Free for public bodies up to 10,000 users.",
             "tags": ["ideas", "voting"], "public": (13, 3.4),
             "panel": {"digital@lambeth.example": 3}},
            {"supplier": "Best Before Media", "by": "team@bestbeforemedia.example",
             "title": "Short films: what each cut would mean, told by the people affected",
             "summary": "Six three-minute films, one per service area, shown before people "
                        "rate the options.",
             "pricing": "paid", "price_note": "£2,500 per film, or £12,000 for six.",
             "video_url": "https://video.example/bestbefore/lambeth-budget",
             "tags": ["video", "storytelling"], "public": (2, 5.0)},
            {"supplier": "GovDelivery", "by": "team@govdelivery.example",
             "title": "Budget bulletins by email and text",
             "summary": "Reach every resident who has signed up for council news, and bring "
                        "them to the consultation.",
             "pricing": "paid", "price_note": "Part of the standard subscription.",
             "tags": ["email", "sms"], "public": (6, 2.8), "withdrawn": True},
        ],
    },
    {
        "council": "Barnsley Metropolitan Borough Council", "by": "officer@barnsley.example",
        "title": "Keep residents informed during floods and road closures",
        "summary": "When the Dearne floods, people need to know which roads are shut and "
                   "where to get sandbags, within minutes, not hours.",
        "description": "In the 2019 floods our phone lines were swamped and our updates "
                       "lagged behind social media rumours. We want a way to send accurate, "
                       "local updates fast and to hear back from people on the ground.",
        "tags": ["emergencies", "flooding", "alerts"], "deadline_days": -35,
        "settings": {"shortlist_size": 2, "method": "stars"},
        "status": "shortlisted",
        "days_ago": {"posted": 66, "open": 63, "voting": 35, "shortlisted": 30},
        "pitches": [
            {"supplier": "GovDelivery", "by": "team@govdelivery.example",
             "title": "Street-level flood alerts by text and email",
             "summary": "Residents subscribe to their street; officers send an alert to an "
                        "area drawn on a map in under a minute.",
             "pricing": "paid", "price_note": "£3,200 a year for the borough.",
             "tags": ["sms", "alerts"], "public": (18, 4.4),
             "panel": {"officer@barnsley.example": 5}},
            {"supplier": "Uservoice", "by": "team@uservoice.example",
             "title": "Report-it board for flooding hotspots",
             "summary": "Residents pin flooding and blocked drains on a public board; "
                        "others confirm them.",
             "pricing": "freemium", "price_note": "Free board; £1,200 a year for the map "
                                                  "layer.",
             "tags": ["reporting", "maps"], "public": (9, 3.7)},
            {"supplier": "Best Before Media", "by": "team@bestbeforemedia.example",
             "title": "Flood-ready: a short film for every household",
             "summary": "A five-minute film on what to do before, during and after a flood.",
             "pricing": "paid", "price_note": "£4,000, yours to reuse.",
             "video_url": "https://video.example/bestbefore/flood-ready",
             "tags": ["video", "preparedness"], "public": (7, 3.1)},
        ],
    },
    # ---- voting: live rankings to explore ----------------------------------------------------
    {
        "council": "Devon County Council", "by": "officer@devon.example",
        "title": "Rethinking meals on wheels",
        "summary": "Fewer people want a hot lunch at noon, but many still need a daily "
                   "visit. What should the service become?",
        "description": "Our meals service reaches 1,100 people, most of them over 80 and "
                       "living alone in villages. The meal matters less to many than the "
                       "knock on the door. We want ideas that keep the contact, cut the "
                       "miles, and let people choose what and when they eat.",
        "tags": ["older-people", "social-care", "rural"], "deadline_days": 6,
        "settings": {"panel_weight": 0.3, "shortlist_size": 3},
        "status": "voting", "panel": ["expert@ageing-well.example"],
        "days_ago": {"posted": 44, "open": 42, "voting": 9},
        "pitches": [
            {"supplier": "Quiet Riots", "by": "team@quietriots.example",
             "title": "Meal-sharing circles run by neighbours",
             "summary": "Volunteers cook an extra portion twice a week and stay to eat it "
                        "with the person they deliver to.",
             "description": "We recruit, check and support volunteer cooks in each parish, "
                            "and match them with people on the meals list who want company "
                            "more than a tray.",
             "pricing": "freemium", "price_note": "Free toolkit; £8,000 a year for a "
                                                  "coordinator in two districts.",
             "video_url": "https://video.example/quietriots/meal-circles",
             "tags": ["volunteering", "loneliness"], "public": (17, 4.4),
             "panel": {"officer@devon.example": 4, "expert@ageing-well.example": 5}},
            {"supplier": "Yoosk", "by": "team@yoosk.example",
             "title": "Ask the people who use the service what it should be",
             "summary": "A six-week open conversation with current users, families and "
                        "drivers, by phone as well as online.",
             "pricing": "paid", "price_note": "£5,500 including telephone interviews.",
             "tags": ["consultation", "co-design"], "public": (12, 3.8),
             "panel": {"officer@devon.example": 4}},
            {"supplier": "Best Before Media", "by": "team@bestbeforemedia.example",
             "title": "A day on the round: a film with the drivers",
             "summary": "A short documentary following two drivers, to show councillors "
                        "what the service really does.",
             "pricing": "paid", "price_note": "£3,800.",
             "video_url": "https://video.example/bestbefore/on-the-round",
             "tags": ["video", "storytelling"], "public": (8, 3.5)},
            {"supplier": "Uservoice", "by": "team@uservoice.example",
             "title": "Menu and delivery-time voting for recipients and families",
             "summary": "Recipients and their families pick next month's menu and delivery "
                        "windows.",
             "pricing": "free", "price_note": "Free.",
             "tags": ["choice", "voting"], "public": (2, 4.5),
             "panel": {"expert@ageing-well.example": 3}},
        ],
    },
    {
        "council": "Kent County Council", "by": "officer@kent.example",
        "title": "Share what works between councils",
        "summary": "Councils solve the same problems separately. How can officers find out "
                   "what others tried, and what happened?",
        "description": "Case studies sit in PDFs nobody finds, and good pilots end when the "
                       "officer who ran them moves on. We want a living, searchable place "
                       "where councils record what they tried, what it cost and what it "
                       "achieved, open to everyone to build on.",
        "tags": ["collaboration", "open-data", "knowledge-sharing"], "deadline_days": 12,
        "settings": {"method": "wilson", "min_ratings": 4},
        "status": "voting", "panel": ["expert@localgov-digital.example"],
        "days_ago": {"posted": 38, "open": 36, "voting": 7},
        "pitches": [
            {"supplier": "Debatewise", "by": "team@debatewise.example",
             "title": "What-works library with open discussion of every case",
             "summary": "Each case study becomes a page other councils can question, "
                        "challenge and add their own results to.",
             "pricing": "freemium", "price_note": "Free to read and contribute; £2,000 a year "
                                                  "for private workspaces.",
             "tags": ["knowledge-sharing", "debate"], "public": (10, 4.0),
             "panel": {"officer@kent.example": 4, "expert@localgov-digital.example": 4}},
            {"supplier": "Uservoice", "by": "team@uservoice.example",
             "title": "Cross-council ideas exchange",
             "summary": "Officers post problems and solutions; the most useful rise to "
                        "the top.",
             "pricing": "free", "price_note": "Free for councils.",
             "tags": ["ideas", "peer-support"], "public": (14, 3.6),
             "panel": {"expert@localgov-digital.example": 3}},
            {"supplier": "Best Before Media", "by": "team@bestbeforemedia.example",
             "title": "Ten-minute films of pilots that worked",
             "summary": "We film the officers and residents behind successful pilots, so "
                        "others can see them, not just read about them.",
             "pricing": "paid", "price_note": "£1,800 per film.",
             "video_url": "https://video.example/bestbefore/what-works",
             "tags": ["video", "case-studies"], "public": (3, 4.7)},
        ],
    },
    {
        "council": "Lambeth Council", "by": "digital@lambeth.example",
        "title": "A youth services consultation young people actually take part in",
        "summary": "Our last youth survey had 41 replies. We need to hear from thousands of "
                   "13 to 19 year olds before we redesign youth services.",
        "description": "We are redesigning our youth offer with young people, not for them. "
                       "Surveys and town-hall meetings have not worked. We want formats "
                       "young people choose to use, that are safe, and that let them see "
                       "what changed because they took part.",
        "tags": ["young-people", "consultation", "youth-services"], "deadline_days": 9,
        "settings": {"min_ratings": 5},
        "status": "voting",
        "days_ago": {"posted": 33, "open": 31, "voting": 5},
        "pitches": [
            {"supplier": "Best Before Media", "by": "team@bestbeforemedia.example",
             "title": "Young reporters: teenagers film what youth services mean to them",
             "summary": "We train twelve young reporters to interview their peers on "
                        "camera; the films open the consultation.",
             "pricing": "paid", "price_note": "£9,500 including training and kit.",
             "video_url": "https://video.example/bestbefore/young-reporters",
             "tags": ["video", "peer-research"], "public": (15, 4.5),
             "panel": {"digital@lambeth.example": 5}},
            {"supplier": "Debatewise", "by": "team@debatewise.example",
             "title": "Schools debate league on the future of youth services",
             "summary": "Every secondary school debates the options; the winning arguments "
                        "go to the cabinet.",
             "pricing": "freemium", "price_note": "Free for schools; £3,000 for the "
                                                  "council's report.",
             "tags": ["debate", "schools"], "public": (9, 3.9)},
            {"supplier": "Yoosk", "by": "team@yoosk.example",
             "title": "Ask the youth mayor",
             "summary": "Young people question the youth mayor and the lead councillor "
                        "online, anonymously if they prefer.",
             "pricing": "freemium", "price_note": "Free for the first three months.",
             "tags": ["q-and-a"], "public": (4, 4.0)},
        ],
    },
    # ---- open: pitches arriving, ratings under way -------------------------------------------
    {
        "council": "London Borough of Barnet", "by": "officer@barnet.example",
        "title": "Reduce loneliness among older residents",
        "summary": "One in ten of our residents over 75 say they go a week without a "
                   "conversation. What would help?",
        "description": "We fund lunch clubs and befriending, but the people most alone are "
                       "the hardest to find. We want ideas that reach people who do not "
                       "come to things, and ways to know whether we made a difference.",
        "tags": ["loneliness", "older-people", "wellbeing"], "deadline_days": 24,
        "status": "open",
        "days_ago": {"posted": 23, "open": 22},
        "pitches": [
            {"supplier": "Quiet Riots", "by": "team@quietriots.example",
             "title": "The Barnet conversation: a campaign to knock on one more door",
             "summary": "A borough-wide campaign asking neighbours to check on one older "
                        "person each week, with a simple way to log it.",
             "pricing": "freemium", "price_note": "Campaign kit free; £5,000 for a "
                                                  "year's support.",
             "video_url": "https://video.example/quietriots/one-more-door",
             "tags": ["campaign", "neighbours"], "public": (9, 4.2)},
            {"supplier": "GovDelivery", "by": "team@govdelivery.example",
             "title": "What's on near you: weekly texts for older residents",
             "summary": "A weekly text or letter listing clubs, lunches and lifts within a "
                        "mile, for residents or their family to receive.",
             "pricing": "paid", "price_note": "£2,400 a year; letters at cost.",
             "tags": ["sms", "information"], "public": (6, 3.3)},
            {"supplier": "Best Before Media", "by": "team@bestbeforemedia.example",
             "title": "Portraits of Barnet: older residents' stories on film",
             "summary": "Residents over 80 tell their stories to local students, and the "
                        "films are shown at community screenings.",
             "pricing": "paid", "price_note": "£7,000 for twelve portraits and four "
                                              "screenings.",
             "tags": ["video", "intergenerational"], "public": (1, 5.0)},
        ],
    },
    {
        "council": "Barnsley Metropolitan Borough Council", "by": "officer@barnsley.example",
        "title": "Digital inclusion for residents who are offline",
        "summary": "A fifth of our adults lack basic digital skills, and more services move "
                   "online every year. Help us close the gap.",
        "description": "We want practical help for people who are offline by choice, cost or "
                       "confidence: devices, data, and patient people to help. We are "
                       "especially interested in ideas that use our libraries and "
                       "community centres.",
        "tags": ["digital-inclusion", "skills", "libraries"], "deadline_days": 30,
        "status": "open",
        "days_ago": {"posted": 16, "open": 15},
        "pitches": [
            {"supplier": "Yoosk", "by": "team@yoosk.example",
             "title": "Digital champions in every library",
             "summary": "Volunteers trained to help residents with their first online "
                        "tasks, from booking a GP appointment to a video call.",
             "pricing": "free", "price_note": "Free training materials; volunteers supplied "
                                              "by local partners.",
             "tags": ["volunteering", "libraries"], "public": (7, 4.1)},
            {"supplier": "GovDelivery", "by": "team@govdelivery.example",
             "title": "Print-first bulletins for offline households",
             "summary": "Every digital bulletin also goes out on paper to households who "
                        "ask, so nobody misses out.",
             "pricing": "paid", "price_note": "Postage at cost plus £1,000 a year.",
             "tags": ["print", "information"], "public": (4, 2.9)},
        ],
    },
    {
        "council": "Kent County Council", "by": "officer@kent.example",
        "title": "Volunteer matching for community transport",
        "summary": "Volunteer drivers are willing, patients need lifts to hospital, and the "
                   "matching is done by phone and spreadsheet.",
        "tags": ["transport", "volunteering", "health"], "deadline_days": 40,
        "description": "Our community transport schemes turn down a third of requests for "
                       "lack of a driver, while volunteers say they are rarely asked. We "
                       "want simpler matching that still works for people without a "
                       "smartphone.",
        "status": "open",
        "days_ago": {"posted": 6, "open": 5},
        "pitches": [
            {"supplier": "Uservoice", "by": "team@uservoice.example",
             "title": "Lift board: requests and offers in one place",
             "summary": "A simple board where schemes post lifts and volunteers claim them, "
                        "with a phone line for people who prefer to call.",
             "pricing": "freemium", "price_note": "Free for one scheme; £600 a year each "
                                                  "after that.",
             "tags": ["matching"], "public": (0, 0)},
        ],
    },
    # ---- closed: one after its shortlist, one cancelled --------------------------------------
    {
        "council": "Kent County Council", "by": "officer@kent.example",
        "title": "Consult residents on the local transport plan",
        "summary": "Our transport plan sets priorities for fifteen years. We want far more "
                   "than the usual few hundred responses.",
        "description": "The previous plan drew 600 responses from 1.5 million residents. "
                       "We want to reach commuters, young people and those who do not "
                       "drive, and to show them how their views shaped the plan.",
        "tags": ["transport", "consultation", "planning"], "deadline_days": -48,
        "settings": {"shortlist_size": 2},
        "status": "closed",
        "days_ago": {"posted": 70, "open": 68, "voting": 48, "shortlisted": 44, "closed": 40},
        "pitches": [
            {"supplier": "Debatewise", "by": "team@debatewise.example",
             "title": "Transport choices debate: roads, rail, buses and bikes",
             "summary": "Each priority as a debate, with residents' strongest arguments "
                        "summarised for councillors.",
             "pricing": "paid", "price_note": "£5,000.",
             "tags": ["debate"], "public": (12, 4.0)},
            {"supplier": "GovDelivery", "by": "team@govdelivery.example",
             "title": "Reach every bus pass holder",
             "summary": "A text and email campaign to bus pass and blue badge holders, who "
                        "rarely answer consultations.",
             "pricing": "paid", "price_note": "Within the existing contract.",
             "tags": ["email", "sms"], "public": (10, 3.8)},
            {"supplier": "Yoosk", "by": "team@yoosk.example",
             "title": "Question time on the transport plan",
             "summary": "Residents question the cabinet member for transport online for a "
                        "month.",
             "pricing": "freemium", "price_note": "Free for one campaign.",
             "tags": ["q-and-a"], "public": (8, 3.2)},
        ],
    },
    {
        "council": "London Borough of Barnet", "by": "officer@barnet.example",
        "title": "Participatory budgeting for ward grants",
        "summary": "Residents decide how £20,000 of ward grants is spent in each ward.",
        "description": "Cancelled: the ward grants budget was withdrawn in the autumn "
                       "budget. We will reopen this challenge if the funding returns.",
        "tags": ["participatory-budgeting", "grants"], "deadline_days": -15,
        "status": "closed",
        "days_ago": {"posted": 52, "open": 50, "closed": 15},
        "pitches": [
            {"supplier": "Uservoice", "by": "team@uservoice.example",
             "title": "Ward-by-ward grant voting",
             "summary": "Groups post their projects, residents of the ward vote, the top "
                        "projects are funded.",
             "pricing": "free", "price_note": "Free.",
             "tags": ["voting", "grants"], "public": (5, 3.6)},
        ],
    },
    # ---- drafts: seen only by their council's officers ---------------------------------------
    {
        "council": "Devon County Council", "by": "officer@devon.example",
        "title": "Report potholes and street faults without a phone call",
        "summary": "Draft: a simpler way to report and follow up faults on 8,000 miles of "
                   "road.",
        "tags": ["highways", "reporting"], "deadline_days": 60,
        "status": "draft",
        "days_ago": {"posted": 3},
    },
    {
        "council": "Lambeth Council", "by": "officer@lambeth.example",
        "title": "Council tax letters in plain English",
        "summary": "Draft: letters people understand the first time, so fewer of them "
                   "fall into arrears.",
        "tags": ["plain-english", "council-tax"], "deadline_days": None,
        "status": "draft",
        "days_ago": {"posted": 1},
    },
]
