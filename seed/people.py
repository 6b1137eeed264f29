"""Demo people and organisations: who signs in, and which council or supplier they belong to.

Every demo account signs in with DEMO_PASSWORD.
"""

DEMO_PASSWORD = "exchange-demo"

ADMIN = {"email": "admin@exchange.example", "name": "Exchange Admin"}

# Councils. The first member listed is the owner; `verified` councils publish challenges.
COUNCILS = [
    {"name": "Lambeth Council", "verified": True, "website": "https://lambeth.example",
     "description": "Inner-London borough running a co-operative council: residents help "
                    "design the services they use.",
     "members": [("officer@lambeth.example", "Priya Shah"),
                 ("digital@lambeth.example", "Tom Reilly")]},
    {"name": "Devon County Council", "verified": True, "website": "https://devon.example",
     "description": "Large rural county: long distances, an older population and many "
                    "villages without a bus.",
     "members": [("officer@devon.example", "Helen Moorcroft")]},
    {"name": "Kent County Council", "verified": True, "website": "https://kent.example",
     "description": "County council for 1.5 million residents, twelve districts and a lot "
                    "of coast.",
     "members": [("officer@kent.example", "Daniel Okafor")]},
    {"name": "London Borough of Barnet", "verified": True, "website": "https://barnet.example",
     "description": "North-London borough with the largest population in London and a "
                    "growing number of residents over 85.",
     "members": [("officer@barnet.example", "Ruth Feldman")]},
    {"name": "Barnsley Metropolitan Borough Council", "verified": True,
     "website": "https://barnsley.example",
     "description": "South Yorkshire borough working on digital inclusion and flood "
                    "resilience.",
     "members": [("officer@barnsley.example", "Gareth Hinchliffe")]},
    {"name": "Northmoor District Council", "verified": False,
     "website": "https://northmoor.example",
     "description": "Registered recently; waiting for an admin to verify it before it can "
                    "publish challenges.",
     "members": [("officer@northmoor.example", "Alison Pike")]},
]

# Suppliers: anyone may register one, there is no approved list.
SUPPLIERS = [
    {"name": "Uservoice", "website": "https://uservoice.example",
     "description": "Feedback forums where people suggest ideas and vote the best ones up.",
     "members": [("team@uservoice.example", "Marta Lindqvist")]},
    {"name": "Yoosk", "website": "https://yoosk.example",
     "description": "Residents put questions to decision-makers in public, and see the "
                    "answers.",
     "members": [("team@yoosk.example", "Ben Hartley"), ("dev@yoosk.example", "Nadia Rahman")]},
    {"name": "Debatewise", "website": "https://debatewise.example",
     "description": "Structured debates: the best arguments for and against, side by side.",
     "members": [("team@debatewise.example", "David Crane")]},
    {"name": "GovDelivery", "website": "https://govdelivery.example",
     "description": "Email and text alerts for public bodies, sent to the people who asked "
                    "for them.",
     "members": [("team@govdelivery.example", "Karen Walsh")]},
    {"name": "Quiet Riots", "website": "https://quietriots.example",
     "description": "Campaigns that start from people's shared frustrations and turn them "
                    "into change.",
     "members": [("team@quietriots.example", "Femi Adeyemi")]},
    {"name": "Best Before Media", "website": "https://bestbeforemedia.example",
     "description": "Short documentary films made with the people who use public services.",
     "members": [("team@bestbeforemedia.example", "Lucy Tran")]},
]

# Experts a council invites onto a challenge's panel.
EXPERTS = [
    ("expert@ageing-well.example", "Dr Joan Whitfield"),
    ("expert@localgov-digital.example", "Sam Osei"),
]

# Residents who rate and comment.
CITIZENS = [
    ("amara.okoye", "Amara Okoye"), ("bill.turner", "Bill Turner"),
    ("chloe.evans", "Chloe Evans"), ("deepak.patel", "Deepak Patel"),
    ("eileen.murphy", "Eileen Murphy"), ("farid.haddad", "Farid Haddad"),
    ("grace.adebayo", "Grace Adebayo"), ("harry.lewis", "Harry Lewis"),
    ("isla.mackenzie", "Isla Mackenzie"), ("jamal.ahmed", "Jamal Ahmed"),
    ("kate.owen", "Kate Owen"), ("liam.byrne", "Liam Byrne"),
    ("maya.cohen", "Maya Cohen"), ("noah.williams", "Noah Williams"),
    ("olive.green", "Olive Green"), ("piotr.nowak", "Piotr Nowak"),
    ("queenie.lau", "Queenie Lau"), ("rosa.martinez", "Rosa Martinez"),
    ("sunil.rao", "Sunil Rao"), ("tess.harper", "Tess Harper"),
    ("usman.ali", "Usman Ali"), ("vera.kowalski", "Vera Kowalski"),
    ("wes.campbell", "Wes Campbell"), ("yasmin.hussain", "Yasmin Hussain"),
    ("zoe.fletcher", "Zoe Fletcher"), ("arthur.pym", "Arthur Pym"),
]
CITIZEN_DOMAIN = "residents.example"


def citizen_email(handle: str) -> str:
    return f"{handle}@{CITIZEN_DOMAIN}"
