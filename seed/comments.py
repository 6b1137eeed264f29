"""Demo comments, by pitch title: residents asking and arguing, suppliers answering for
their pitch, officers saying what the council would need.

`by` is an email or a resident's handle (seed/people.py). `key` names a comment that a
later one answers with `reply_to`; a reply always comes after what it answers. The first
comment may say `hours_after` the pitch was submitted it came (otherwise two); the rest
are spread over the weeks the pitch was open to comments (seed/timeline.py).
"""

COMMENTS: dict[str, list[dict]] = {
    # ---- Lambeth: the budget ------------------------------------------------------------------
    "Budget Q&A: residents ask, cabinet members answer in public": [
        {"key": "q1", "by": "amara.okoye", "hours_after": 3,
         "body": "Would the answers be from the councillors themselves or from officers "
                 "writing for them?"},
        {"reply_to": "q1", "by": "team@yoosk.example",
         "body": "From the cabinet member, signed by them. Officers can help draft, but the "
                 "name on the answer is the person accountable."},
        {"reply_to": "q1", "by": "bill.turner",
         "body": "That is what makes it worth my time. Rated it five."},
    ],
    "The budget debate: every option with its best arguments for and against": [
        {"key": "d1", "by": "chloe.evans",
         "body": "I like seeing the arguments against. Every consultation I have answered "
                 "only ever told me why the cut was a good idea."},
        {"key": "d2", "by": "piotr.nowak",
         "body": "Who decides which arguments are 'best'? The loudest group will win."},
        {"reply_to": "d2", "by": "team@debatewise.example",
         "body": "Residents vote arguments up, but each side is ranked separately, so a "
                 "well-organised group can only push its own side to the top, never bury "
                 "the other."},
        {"reply_to": "d2", "by": "officer@lambeth.example",
         "body": "We would publish the full list of arguments alongside the summary, not "
                 "just the top ones."},
    ],
    "Ideas forum for savings suggested by residents": [
        {"key": "i1", "by": "wes.campbell",
         "body": "We tried one of these in 2016. The top idea was 'cut councillors' pay' "
                 "every single week."},
        {"reply_to": "i1", "by": "team@uservoice.example",
         "body": "Fair point. Officers can merge duplicates and answer the perennial ones "
                 "once, pinned, so they stop crowding out new ideas."},
        {"by": "queenie.lau",
         "body": "Free is good, but a forum only reaches people who already like forums."},
    ],
    "Short films: what each cut would mean, told by the people affected": [
        {"by": "grace.adebayo",
         "body": "Three minutes on what closing a library means to the people who use it "
                 "would tell me more than any chart."},
        {"key": "f1", "by": "deepak.patel",
         "body": "Films can be very one-sided. Who chooses the people who appear?"},
        {"reply_to": "f1", "by": "team@bestbeforemedia.example",
         "body": "The council names the services, we recruit through the services' own "
                 "users and staff, and every film shows someone who would accept the cut."},
    ],
    "Budget bulletins by email and text": [
        {"by": "sunil.rao",
         "body": "Useful for getting people to the consultation, but it is not a way to "
                 "take part in it."},
    ],
    # ---- Barnsley: floods ---------------------------------------------------------------------
    "Street-level flood alerts by text and email": [
        {"key": "a1", "by": "liam.byrne",
         "body": "In 2019 our street was shut for two days before anyone told us. A text "
                 "would have saved my van."},
        {"reply_to": "a1", "by": "team@govdelivery.example",
         "body": "That is the case we built it for: the duty officer draws the closed area "
                 "and everyone subscribed inside it gets the text within a minute."},
        {"key": "a2", "by": "officer@barnsley.example",
         "body": "Could the alerts go out in Polish and Urdu as well? Both are common in "
                 "the streets that flooded."},
        {"reply_to": "a2", "by": "team@govdelivery.example",
         "body": "Yes: subscribers choose a language, and templates for each alert type "
                 "are translated once, in advance."},
    ],
    "Report-it board for flooding hotspots": [
        {"by": "yasmin.hussain",
         "body": "The drain at the bottom of our road blocks every autumn. I would pin it "
                 "today."},
        {"key": "r1", "by": "harry.lewis",
         "body": "Does anyone at the council actually watch the board during a flood?"},
        {"reply_to": "r1", "by": "officer@barnsley.example",
         "body": "Our control room would, during an incident. Outside one, drainage "
                 "reports would go to the highways team as they do now."},
    ],
    "Flood-ready: a short film for every household": [
        {"by": "vera.kowalski",
         "body": "My parents would watch this. They would never read a leaflet."},
    ],
    # ---- Devon: meals on wheels ---------------------------------------------------------------
    "Meal-sharing circles run by neighbours": [
        {"key": "c1", "by": "eileen.murphy",
         "body": "My mother would love this. The driver now has two minutes per stop; she "
                 "waits all morning for them."},
        {"key": "c2", "reply_to": "c1", "by": "team@quietriots.example",
         "body": "That is exactly the gap. Our cooks stay at least half an hour."},
        {"reply_to": "c2", "by": "harry.lewis",
         "body": "Who checks the kitchens of the volunteers, though?"},
        {"by": "officer@devon.example",
         "body": "Food hygiene would be a condition of any pilot; we would want to see how "
                 "you handle it."},
        {"by": "olive.green",
         "body": "In our village this already happens informally. Some support for the "
                 "people doing it would go a long way."},
    ],
    "Ask the people who use the service what it should be": [
        {"key": "u1", "by": "arthur.pym",
         "body": "I get the meals. Nobody has ever asked me what I think of them. Yes, "
                 "please ask."},
        {"reply_to": "u1", "by": "team@yoosk.example",
         "body": "Thank you. Most of the conversation would be by telephone, at a time the "
                 "person chooses, precisely so people like you are heard."},
        {"by": "officer@devon.example",
         "body": "We would need the drivers in this too: they know the round better than "
                 "anyone."},
    ],
    "A day on the round: a film with the drivers": [
        {"by": "kate.owen",
         "body": "Good for councillors, but what does it change for the people on the "
                 "round?"},
        {"by": "team@bestbeforemedia.example",
         "body": "A film will not change the service by itself; it makes the case for the "
                 "visit being worth paying for, which is the decision in front of the "
                 "council."},
    ],
    "Menu and delivery-time voting for recipients and families": [
        {"by": "noah.williams",
         "body": "Being able to move the delivery to the evening would matter more to my "
                 "gran than the menu."},
    ],
    # ---- Kent: what works ---------------------------------------------------------------------
    "What-works library with open discussion of every case": [
        {"key": "w1", "by": "expert@localgov-digital.example",
         "body": "The hard part is getting councils to write up what failed. Would failed "
                 "pilots be welcome here?"},
        {"reply_to": "w1", "by": "team@debatewise.example",
         "body": "They would be the most valuable pages. Councils can publish a case "
                 "without naming the officer who ran it."},
        {"reply_to": "w1", "by": "officer@kent.example",
         "body": "We would commit to writing up two of our own failed pilots to start it "
                 "off."},
    ],
    "Cross-council ideas exchange": [
        {"by": "officer@kent.example",
         "body": "How would officers from other councils hear about it? Another log-in is "
                 "a hard sell."},
        {"by": "maya.cohen",
         "body": "As a resident I would love to read this too. Will it be public?"},
    ],
    # ---- Lambeth: youth services --------------------------------------------------------------
    "Young reporters: teenagers film what youth services mean to them": [
        {"key": "y1", "by": "tess.harper",
         "body": "My son did something like this at school and still talks about it. Much "
                 "better than a form."},
        {"reply_to": "y1", "by": "jamal.ahmed",
         "body": "Agreed, as long as the films are not just the confident kids."},
        {"key": "y2", "by": "zoe.fletcher",
         "body": "How do you keep the young reporters safe when the films go online?"},
        {"reply_to": "y2", "by": "team@bestbeforemedia.example",
         "body": "First names only, no school uniforms or street names on screen, and "
                 "every film is approved by the young person and a parent before release."},
    ],
    "Schools debate league on the future of youth services": [
        {"key": "s1", "by": "isla.mackenzie",
         "body": "Only reaches young people who are in school. The ones youth services "
                 "matter most to often are not."},
        {"reply_to": "s1", "by": "team@debatewise.example",
         "body": "True. We would add teams from the youth centres and the pupil referral "
                 "unit; the league is open to any group of four."},
    ],
    "Ask the youth mayor": [
        {"by": "farid.haddad",
         "body": "Anonymous questions are a good idea. Nobody wants to be seen asking."},
    ],
    # ---- Barnet: loneliness -------------------------------------------------------------------
    "The Barnet conversation: a campaign to knock on one more door": [
        {"key": "l1", "by": "rosa.martinez",
         "body": "Lovely idea. How would you reach people who don't know their neighbours "
                 "at all?"},
        {"reply_to": "l1", "by": "team@quietriots.example",
         "body": "Through pharmacies, GPs and the postal workers' union, who see those "
                 "doors every day."},
        {"by": "officer@barnet.example",
         "body": "We would want to know how the logging protects people's privacy; an "
                 "older person may not want to be on a list."},
    ],
    "What's on near you: weekly texts for older residents": [
        {"key": "t1", "by": "bill.turner",
         "body": "Plenty of people over 80 do not read texts. Is the letter option really "
                 "at cost?"},
        {"reply_to": "t1", "by": "team@govdelivery.example",
         "body": "Yes, printing and postage are passed on at cost, and a family member can "
                 "receive it on someone's behalf."},
    ],
    # ---- Barnsley: digital inclusion ----------------------------------------------------------
    "Digital champions in every library": [
        {"key": "g1", "by": "usman.ali",
         "body": "I volunteer at the Monk Bretton library already. Most people need help "
                 "with passwords more than anything."},
        {"reply_to": "g1", "by": "dev@yoosk.example",
         "body": "That matches what we hear everywhere. Password help is the first module "
                 "of the training."},
        {"by": "officer@barnsley.example",
         "body": "Our libraries can host sessions; we would need the volunteers' DBS "
                 "checks handled by the partner."},
    ],
    "Print-first bulletins for offline households": [
        {"by": "eileen.murphy",
         "body": "This should be the default for anything important, not an extra."},
    ],
    # ---- Kent: the transport plan (closed) ----------------------------------------------------
    "Transport choices debate: roads, rail, buses and bikes": [
        {"key": "p1", "by": "liam.byrne",
         "body": "Make sure rural bus users are in this. The debate always ends up being "
                 "about Canterbury traffic."},
        {"reply_to": "p1", "by": "team@debatewise.example",
         "body": "Each district gets its own debate page, so the rural questions are not "
                 "drowned out by the towns."},
    ],
    "Reach every bus pass holder": [
        {"by": "officer@kent.example",
         "body": "We hold the contact details already; what matters is whether people "
                 "have agreed to be contacted this way."},
    ],
    # ---- Barnet: ward grants (cancelled) ------------------------------------------------------
    "Ward-by-ward grant voting": [
        {"key": "b1", "by": "maya.cohen",
         "body": "Our residents' association would apply straight away. When does it "
                 "open?"},
        {"reply_to": "b1", "by": "team@uservoice.example",
         "body": "That is for the council to decide; we could have a ward running within "
                 "two weeks of a go-ahead."},
    ],
}
