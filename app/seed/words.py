"""Vocabulary for synthetic demo articles: generated text, never copied."""

CATEGORIES = [
    ("breaking-news", "Breaking News", "What is happening right now."),
    ("business", "Business", "Markets, companies and the economy."),
    ("entertainment", "Entertainment", "Screens, stages and the people on them."),
    ("gadgets", "Gadgets", "Devices worth knowing about."),
    ("health", "Health", "Bodies, minds and the science of both."),
    ("sports", "Sports", "Games, seasons and the people who play them."),
    ("technology", "Technology", "Software, networks and what they change."),
]

TOPICS = {
    "breaking-news": ["council", "harbour", "storm front", "bridge", "election count", "rail line", "river flood", "city hall"],
    "business": ["bond market", "startup", "retail chain", "central bank", "shipping firm", "cocoa price", "trade pact", "pension fund"],
    "entertainment": ["festival", "drama series", "film premiere", "stand-up tour", "album", "stage revival", "award night", "podcast"],
    "gadgets": ["folding phone", "e-reader", "smart kettle", "trail watch", "earbuds", "home robot", "drone", "tablet"],
    "health": ["sleep study", "clinic", "vaccine trial", "running habit", "diet plan", "heart scan", "hospital wing", "mood tracker"],
    "sports": ["derby", "marathon", "cup final", "transfer window", "relay team", "title race", "rookie", "stadium"],
    "technology": ["open-source project", "chip plant", "data centre", "browser", "satellite", "battery lab", "compiler", "search engine"],
}

VERBS = ["faces", "welcomes", "rethinks", "survives", "unveils", "doubles down on", "pauses", "reshapes", "questions", "wins over"]
OBJECTS = ["a quiet revolution", "record demand", "a long winter", "new rules", "its biggest test", "a surprise ally",
           "tough questions", "an old rival", "a crowded field", "fresh doubts"]
QUALIFIERS = ["after a turbulent week", "as deadlines loom", "in a first for the region", "despite early setbacks",
              "ahead of the season", "amid a wave of interest", "for the third year running", "under new leadership"]
HEADINGS = ["What happened", "Why it matters", "The numbers behind it", "What people are saying", "What comes next",
            "A closer look", "The background", "Open questions"]
SENTENCE_OPENERS = ["Observers noted that", "According to the organisers,", "Early figures suggest", "Residents said",
                    "The latest report shows", "Analysts expect", "In a statement,", "For now,"]
SENTENCE_MIDDLES = ["the {topic} has drawn more attention than planned", "the plan for the {topic} is still changing",
                    "the {topic} could set the tone for the rest of the year", "support for the {topic} keeps growing",
                    "the {topic} faces a schedule that leaves little room", "costs around the {topic} remain unclear",
                    "the {topic} has become a talking point far beyond its field"]
SENTENCE_ENDS = ["and a decision is expected soon.", "though few expect a quick answer.", "while others urge patience.",
                 "with more details promised next week.", "which surprised even its supporters.", "and the debate continues."]
FIRST_NAMES = ["Ada", "Bruno", "Chiara", "Dev", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonah", "Kaia", "Luis"]
LAST_NAMES = ["Okafor", "Lindqvist", "Moreau", "Raman", "Yilmaz", "Haddad", "Novak", "Tanaka", "Ferreira", "Adler", "Mensah", "Ortega"]
TAGS = ["analysis", "interview", "explainer", "opinion", "live", "markets", "startups", "policy", "climate", "science",
        "football", "tennis", "streaming", "music", "film", "phones", "wearables", "ai", "security", "open-source",
        "nutrition", "fitness", "mental-health", "research", "local", "world", "travel", "education", "energy", "space"]
