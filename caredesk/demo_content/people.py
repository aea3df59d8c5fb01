"""Who works at Fresh Basket, who buys from it, and the organisations that order in bulk."""

from unicodedata import normalize

# name, private
TEAMS = (
    ("Billing", True),
    ("Deliveries", False),
    ("Product & Quality", False),
)

# email, first name, last name, role, teams. The first three and sales are the logins the demo prints.
STAFF = (
    ("admin@example.com", "Ada", "Brennan", "admin", ()),
    ("lead@example.com", "Lena", "Hartley", "lead", ("Billing", "Deliveries")),
    ("agent@example.com", "Jo", "Pennington", "agent", ("Billing", "Deliveries")),
    ("tomasz.nowak@example.com", "Tomasz", "Nowak", "agent", ("Deliveries",)),
    ("aisha.rahman@example.com", "Aisha", "Rahman", "agent", ("Billing",)),
    ("callum.mcbride@example.com", "Callum", "McBride", "agent", ("Deliveries",)),
    ("meilin.chen@example.com", "Mei-Lin", "Chen", "agent", ("Product & Quality",)),
    ("seun.adeyemi@example.com", "Seun", "Adeyemi", "agent", ("Deliveries", "Product & Quality")),
    ("grace.oconnell@example.com", "Grace", "O'Connell", "agent", ("Billing", "Product & Quality")),
    ("rhys.evans@example.com", "Rhys", "Evans", "agent", ("Product & Quality",)),
    ("hannah.schofield@example.com", "Hannah", "Schofield", "agent", ("Deliveries", "Billing")),
    ("sales@example.com", "Marcus", "Bell", "sales", ()),
)

FIRST_NAMES = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Sophie", "Grace", "Lily", "Freya", "Emily", "Ella", "Poppy",
    "Charlotte", "Evie", "Isabella", "Chloe", "Ruby", "Daisy", "Alice", "Florence", "Harriet", "Imogen",
    "Niamh", "Siobhan", "Aoife", "Priya", "Anjali", "Fatima", "Zainab", "Aaliyah", "Mariam", "Yasmin",
    "Agnieszka", "Katarzyna", "Magdalena", "Oksana", "Ioana", "Elena", "Sofia", "Giulia", "Chiara", "Ines",
    "Mei", "Yuki", "Hana", "Adaeze", "Chioma", "Abena", "Precious", "Tanisha", "Keisha", "Rhiannon",
    "Carys", "Bethan", "Morag", "Eilidh", "Margaret", "Pauline", "Janet", "Sandra", "Beverley", "Deborah",
    "Oliver", "George", "Harry", "Jack", "Noah", "Leo", "Arthur", "Oscar", "Charlie", "Freddie", "Alfie",
    "Thomas", "James", "William", "Henry", "Edward", "Samuel", "Joseph", "Daniel", "Benjamin", "Rory",
    "Callum", "Euan", "Fraser", "Ciaran", "Declan", "Rhys", "Dylan", "Gareth", "Owen", "Mohammed", "Omar",
    "Yusuf", "Ibrahim", "Arjun", "Rohan", "Vikram", "Sanjay", "Kwame", "Kofi", "Tunde", "Emeka", "Marek",
    "Piotr", "Tomas", "Andrei", "Luca", "Matteo", "Diego", "Mateus", "Hiroshi", "Wei", "Jun", "Dev",
    "Graham", "Keith", "Trevor", "Colin", "Derek", "Malcolm", "Nigel", "Clive",
)

SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
    "Patel", "Khan", "Shah", "Begum", "Hussain", "Ali", "Ahmed", "Iqbal", "Chowdhury", "Singh", "Kaur",
    "Sharma", "Gupta", "Mistry", "O'Brien", "Murphy", "Kelly", "Byrne", "Doyle", "McCarthy", "Gallagher",
    "MacDonald", "Campbell", "Stewart", "Fraser", "Sinclair", "Morgan", "Griffiths", "Lloyd", "Hughes",
    "Price", "Okafor", "Mensah", "Adeyemi", "Boateng", "Owusu", "Nwosu", "Campbell-Reid", "Nowak",
    "Kowalski", "Wiśniewska", "Popescu", "Ionescu", "Rossi", "Bianchi", "Ferreira", "Costa", "García",
    "Fernández", "Chen", "Wong", "Li", "Nguyen", "Tanaka", "Kim", "Park", "Fitzgerald", "Ashworth",
    "Pemberton", "Whitaker", "Holloway", "Marsden", "Featherstone", "Crowther", "Gledhill", "Ramsbottom",
    "Hargreaves", "Lockwood", "Sutcliffe", "Barraclough", "Entwistle", "Cartwright", "Fairbairn",
    "Blackwood", "Hartley", "Kendall", "Oyelaran", "Quigley", "Thorne", "Underwood", "Vaughan",
)

# name, email domain, notes, people (first, last, job) who order for it
ORGANISATIONS = (
    (
        "The Corner Café",
        "cornercafe.example.com",
        "Independent café on Market Street. Orders milk, eggs and bakery goods three times a week; "
        "pays on a monthly business account.",
        (("Rosa", "Delgado", "owner"), ("Tom", "Pritchard", "manager"), ("Nadia", "Haddad", "chef"),
         ("Liam", "Fenwick", "barista")),
    ),
    (
        "St Anne's Primary School Kitchen",
        "stannes-school.example.org",
        "School kitchen feeding about 240 pupils. Term-time deliveries before 8am; nut-free site, "
        "allergy information matters more than price.",
        (("Brenda", "Cole", "kitchen manager"), ("Patrick", "Doherty", "bursar"),
         ("Shirin", "Tehrani", "cook")),
    ),
    (
        "Hillside Care Home",
        "hillsidecare.example.org",
        "Residential care home, 38 residents. Large weekly order on Mondays, soft-food and diabetic "
        "ranges; invoices go to the finance office.",
        (("Maureen", "Blake", "home manager"), ("Joseph", "Mwangi", "head chef"),
         ("Sinead", "Rooney", "finance officer"), ("Dennis", "Platt", "kitchen assistant")),
    ),
    (
        "Greenway Day Nursery",
        "greenway-nursery.example.net",
        "Day nursery with two sites. Fruit, milk and snacks daily; strict allergen list on file.",
        (("Kirsty", "Lamb", "nursery manager"), ("Ayodele", "Bankole", "room leader"),
         ("Hollie", "Marsh", "administrator")),
    ),
    (
        "Kestrel & Finch Architects",
        "kestrelfinch.example.com",
        "Office of 25; weekly fruit box and kitchen supplies, invoiced to accounts.",
        (("Imran", "Qureshi", "office manager"), ("Fiona", "Lennox", "accounts")),
    ),
)

# Mrs Miggins: the desk's best-known customer, with a portal log-in.
MIGGINS = {
    "name": "Mrs Miggins",
    "email": "customer@example.com",
    "phone": "01632 960 417",
    "notes": (
        "Has ordered £35 of groceries every week for years (Thursday evening slot, since 2016): one of our "
        "longest-standing customers, worth about £1,800 a year. Lives alone; the driver leaves the bags in "
        "the porch. Prefers a phone call to an email for anything complicated. Always orders free-range "
        "eggs and a large sliced loaf, so check those first."
    ),
    "since_years": 8,
}

DRIVERS = ("Marek", "Dave", "Shanice", "Kofi", "Ellie", "Raj", "Bogdan", "Terry", "Jas", "Connor")


def email_part(name: str) -> str:
    """A name as it appears in an email address: "Wiśniewska" → "wisniewska", "O'Brien" → "obrien"."""
    plain = normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "".join(char for char in plain if char.isalnum() or char == "-")
