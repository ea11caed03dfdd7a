/*
 * gen_words.h - the vocabulary bench/gen.c builds addresses and domains
 * from: first and last names of many countries, common words, brand-like
 * syllables, top-level domains with weights, the big mailbox providers with
 * their share of a typical list, and subdomain labels.
 *
 * Data only, included by gen.c alone.  Nothing here is a real person's
 * address: names and domains are combined at random.
 */
#ifndef BENCH_GEN_WORDS_H
#define BENCH_GEN_WORDS_H

static const char *const first_names[] = {
	"james", "john", "robert", "michael", "william", "david", "richard", "joseph",
	"thomas", "charles", "daniel", "matthew", "anthony", "mark", "donald", "steven",
	"paul", "andrew", "joshua", "kenneth", "kevin", "brian", "george", "timothy",
	"ronald", "edward", "jason", "jeffrey", "ryan", "jacob", "gary", "nicholas",
	"eric", "jonathan", "stephen", "larry", "justin", "scott", "brandon", "benjamin",
	"samuel", "gregory", "frank", "alexander", "raymond", "patrick", "jack", "dennis",
	"jerry", "tyler", "aaron", "jose", "adam", "nathan", "henry", "douglas", "zachary",
	"peter", "kyle", "noah", "ethan", "jeremy", "walter", "christian", "keith", "roger",
	"mary", "patricia", "jennifer", "linda", "elizabeth", "barbara", "susan", "jessica",
	"sarah", "karen", "lisa", "nancy", "betty", "margaret", "sandra", "ashley",
	"kimberly", "emily", "donna", "michelle", "carol", "amanda", "dorothy", "melissa",
	"deborah", "stephanie", "rebecca", "sharon", "laura", "cynthia", "kathleen", "amy",
	"angela", "shirley", "anna", "brenda", "pamela", "emma", "nicole", "helen",
	"samantha", "katherine", "christine", "debra", "rachel", "carolyn", "janet",
	"catherine", "maria", "heather", "diane", "ruth", "julie", "olivia", "joyce",
	"virginia", "victoria", "kelly", "lauren", "christina", "joan", "evelyn", "judith",
	"megan", "andrea", "cheryl", "hannah", "jacqueline", "martha", "gloria", "teresa",
	"ann", "sara", "madison", "frances", "kathryn", "janice", "jean", "abigail",
	"lukas", "leon", "felix", "jonas", "maximilian", "paul", "elias", "finn", "lena",
	"lea", "hanna", "mia", "sophie", "marie", "johanna", "jan", "stefan", "jens",
	"pierre", "jean", "nicolas", "julien", "camille", "manon", "chloe", "lucas",
	"hugo", "louis", "chloe", "ines", "marco", "giulia", "francesca", "luca",
	"alessandro", "matteo", "sofia", "javier", "carlos", "lucia", "pablo", "diego",
	"carmen", "joao", "pedro", "ana", "beatriz", "lars", "erik", "ingrid", "astrid",
	"anders", "sven", "piotr", "katarzyna", "tomasz", "agnieszka", "jan", "pieter",
	"sanne", "daan", "wei", "li", "hiroshi", "yuki", "akira", "raj", "priya", "arjun",
	"anil", "deepa", "mohammed", "ahmed", "fatima", "omar", "yusuf", "ivan", "olga",
	"dmitri", "sean", "siobhan", "liam", "aoife", "niamh", "connor", "chidi", "ngozi",
};

static const char *const last_names[] = {
	"smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis",
	"rodriguez", "martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson",
	"thomas", "taylor", "moore", "jackson", "martin", "lee", "perez", "thompson",
	"white", "harris", "sanchez", "clark", "ramirez", "lewis", "robinson", "walker",
	"young", "allen", "king", "wright", "scott", "torres", "nguyen", "hill", "flores",
	"green", "adams", "nelson", "baker", "hall", "rivera", "campbell", "mitchell",
	"carter", "roberts", "gomez", "phillips", "evans", "turner", "diaz", "parker",
	"cruz", "edwards", "collins", "reyes", "stewart", "morris", "morales", "murphy",
	"cook", "rogers", "gutierrez", "ortiz", "morgan", "cooper", "peterson", "bailey",
	"reed", "kelly", "howard", "ramos", "kim", "cox", "ward", "richardson", "watson",
	"brooks", "chavez", "wood", "james", "bennett", "gray", "mendoza", "ruiz",
	"hughes", "price", "alvarez", "castillo", "sanders", "patel", "myers", "long",
	"ross", "foster", "jimenez", "powell", "jenkins", "perry", "russell", "sullivan",
	"bell", "coleman", "butler", "henderson", "barnes", "gonzales", "fisher",
	"vasquez", "simmons", "romero", "jordan", "patterson", "alexander", "hamilton",
	"graham", "reynolds", "griffin", "wallace", "moreno", "west", "cole", "hayes",
	"bryant", "herrera", "gibson", "ellis", "tran", "medina", "aguilar", "stevens",
	"murray", "ford", "castro", "marshall", "owens", "harrison", "fernandez",
	"mcdonald", "woods", "washington", "kennedy", "wells", "vargas", "henry", "chen",
	"freeman", "webb", "tucker", "guzman", "burns", "crawford", "olson", "simpson",
	"porter", "hunter", "gordon", "mendez", "silva", "shaw", "snyder", "mason",
	"dixon", "munoz", "hunt", "hicks", "holmes", "palmer", "wagner", "black",
	"robertson", "boyd", "rose", "stone", "salazar", "fox", "warren", "mills",
	"meyer", "rice", "schmidt", "garza", "daniels", "ferguson", "nichols", "stephens",
	"soto", "weaver", "ryan", "gardner", "payne", "grant", "dunn", "kelley", "spencer",
	"hawkins", "arnold", "pierce", "hansen", "peters", "santos", "hart", "bradley",
	"knight", "elliott", "cunningham", "duncan", "armstrong", "hudson", "carroll",
	"lane", "riley", "andrews", "ray", "berry", "perkins", "hoffman", "johnston",
	"matthews", "pena", "richards", "willis", "carpenter", "lawrence", "sandoval",
	"mueller", "schneider", "fischer", "weber", "becker", "schulz", "wagner", "koch",
	"richter", "klein", "wolf", "schroeder", "neumann", "schwarz", "braun", "zimmermann",
	"dubois", "durand", "lefebvre", "moreau", "laurent", "simon", "michel", "leroy",
	"roux", "fournier", "girard", "bonnet", "rossi", "russo", "ferrari", "esposito",
	"bianchi", "romano", "colombo", "ricci", "marino", "greco", "bruno", "gallo",
	"jansen", "devries", "vandijk", "bakker", "visser", "smit", "meijer", "mulder",
	"nielsen", "jensen", "hansen", "andersen", "larsen", "johansson", "karlsson",
	"eriksson", "nilsson", "lindberg", "kowalski", "nowak", "wisniewski", "wojcik",
	"kaminski", "lewandowski", "novak", "svoboda", "dvorak", "horvath", "nagy",
	"tanaka", "suzuki", "takahashi", "watanabe", "ito", "yamamoto", "nakamura",
	"wang", "zhang", "liu", "yang", "huang", "zhao", "sharma", "singh", "kumar",
	"gupta", "reddy", "iyer", "okafor", "adeyemi", "mensah", "ivanov", "petrov",
	"smirnov", "popescu", "georgiou", "papadopoulos", "obrien", "o'neill", "o'connor",
	"mccarthy", "byrne", "walsh", "doyle", "oliveira", "souza", "pereira", "costa",
};

static const char *const words[] = {
	"sunny", "blue", "green", "happy", "lucky", "silver", "golden", "dark", "wild",
	"little", "big", "crazy", "cool", "sweet", "angel", "dragon", "tiger", "wolf",
	"eagle", "falcon", "shadow", "storm", "thunder", "river", "ocean", "mountain",
	"forest", "sky", "star", "moon", "sun", "rain", "snow", "fire", "ice", "stone",
	"rock", "music", "guitar", "piano", "dance", "dream", "magic", "pixel", "coffee",
	"tea", "cookie", "candy", "honey", "pepper", "ginger", "maple", "cherry", "lemon",
	"apple", "mango", "panda", "koala", "fox", "bear", "lion", "hawk", "raven",
	"phoenix", "ninja", "pirate", "rider", "runner", "surfer", "skater", "gamer",
	"coder", "hacker", "writer", "reader", "artist", "chef", "baker", "doctor",
	"teacher", "travel", "nomad", "wander", "explorer", "journey", "garden", "flower",
	"rose", "lily", "daisy", "violet", "jasmine", "summer", "winter", "autumn",
	"spring", "morning", "midnight", "sunset", "island", "harbor", "valley", "meadow",
	"canyon", "desert", "prairie", "coast", "bay", "lake", "north", "south", "east",
	"west", "alpha", "omega", "delta", "sigma", "nova", "orbit", "rocket", "comet",
	"galaxy", "cosmic", "retro", "vintage", "urban", "rural", "city", "country",
	"soccer", "hockey", "tennis", "golf", "yoga", "fitness", "health", "mama", "papa",
	"baby", "family", "home", "house", "farm", "ranch", "cabin", "cottage", "ink",
	"paper", "photo", "studio", "design", "craft", "quilt", "knit", "bake", "cook",
};

/* role mailboxes: common at company domains, at least five characters */
static const char *const roles[] = {
	"sales", "admin", "contact", "support", "office", "billing", "hello", "careers",
	"events", "press", "marketing", "accounts", "finance", "orders", "service",
	"reception", "booking", "enquiries", "webmaster", "postmaster", "noreply",
	"newsletter", "info.de", "team", "hr.dept", "legal", "studio", "shop", "store",
};

static const char *const tags[] = {
	"news", "shop", "spam", "lists", "work", "promo", "amazon", "ebay", "bank",
	"travel", "social", "games", "school", "test", "signup", "deals", "jobs", "2fa",
};

/* syllables for brand-like domain names: "zentrova", "kalimex" */
static const char *const syllables[] = {
	"ka", "li", "mo", "zen", "tra", "vo", "ne", "ri", "sa", "to", "ma", "de", "lo",
	"ex", "an", "tek", "bel", "cor", "dia", "fle", "gra", "hel", "ion", "jo", "kor",
	"lu", "mer", "nor", "or", "pa", "qui", "ro", "sol", "tri", "ul", "ver", "wa",
	"xa", "yo", "za", "bri", "cla", "dro", "fin", "gen", "hub", "ix", "lab", "mar",
	"net", "ova", "plex", "quo", "ra", "sys", "tio", "una", "vi", "wel", "zo",
};

/* business words for domain names: "bluepeak-consulting", "smith-law" */
static const char *const biz[] = {
	"consulting", "law", "legal", "tech", "media", "design", "group", "partners",
	"solutions", "systems", "digital", "labs", "studio", "works", "build", "homes",
	"realty", "dental", "clinic", "health", "care", "farm", "foods", "bakery",
	"coffee", "brewing", "wines", "garden", "auto", "motors", "transport", "logistics",
	"travel", "tours", "hotel", "events", "photo", "print", "press", "books", "school",
	"academy", "college", "church", "club", "sports", "fitness", "yoga", "music",
	"records", "films", "games", "software", "cloud", "hosting", "network", "data",
	"energy", "solar", "electric", "plumbing", "roofing", "painting", "cleaning",
	"security", "insurance", "finance", "capital", "invest", "accounting", "tax",
	"shop", "store", "market", "trading", "imports", "supply", "industries", "mfg",
	"engineering", "architects", "vet", "pets", "kids", "family", "community", "trust",
};

struct weighted {
	const char *name;
	unsigned weight;
};

/* top-level domains of small domains, by rough share */
static const struct weighted tlds[] = {
	{ "com", 380 }, { "net", 60 }, { "org", 60 }, { "de", 70 }, { "co.uk", 50 },
	{ "fr", 35 }, { "nl", 30 }, { "it", 25 }, { "es", 20 }, { "com.au", 20 },
	{ "ca", 20 }, { "ch", 12 }, { "at", 10 }, { "be", 12 }, { "se", 12 }, { "dk", 8 },
	{ "no", 8 }, { "fi", 6 }, { "pl", 15 }, { "cz", 8 }, { "io", 15 }, { "co", 8 },
	{ "us", 10 }, { "info", 10 }, { "biz", 5 }, { "com.br", 15 }, { "co.jp", 6 },
	{ "co.nz", 6 }, { "co.za", 6 }, { "ie", 8 }, { "pt", 6 }, { "edu", 15 },
	{ "ac.uk", 8 }, { "org.uk", 6 }, { "eu", 8 }, { "in", 6 }, { "com.mx", 5 },
};

/* the big mailbox providers: their weights add up to 40% of the addresses
 * (per mille of all addresses) */
static const struct weighted providers[] = {
	{ "gmail.com", 180 }, { "yahoo.com", 45 }, { "hotmail.com", 40 },
	{ "outlook.com", 35 }, { "icloud.com", 25 }, { "aol.com", 15 },
	{ "gmx.de", 12 }, { "web.de", 10 }, { "hotmail.co.uk", 8 }, { "yahoo.co.uk", 7 },
	{ "live.com", 8 }, { "orange.fr", 6 }, { "comcast.net", 5 }, { "me.com", 4 },
};
#define PROVIDER_PER_MILLE 400

/* labels in front of a small domain: mail.example.co.uk, cs.uni-x.de */
static const char *const sublabels[] = {
	"mail", "mx", "eu", "us", "uk", "corp", "cs", "students", "alumni", "staff",
	"intl", "de", "shop", "lists", "news", "research", "med", "law", "eng", "hq",
};

#endif
