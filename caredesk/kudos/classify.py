"""Is an inbound customer message a compliment, a complaint, a question, or a mix, and whom does it praise?

Pure Python (no Django, no network, no model): rules over lexicons, so every decision can be shown as the
words that caused it (`Classification.spans`). The definitions are docs/quality-labelling.md's second half:

- compliment: praise or thanks, asking for nothing more ("a routine 'thanks' at the end of a question is not
  a compliment");
- complaint: the customer is unhappy and says so (a request alongside stays a complaint);
- question: asks for information or for something to be done, neutrally (also the answer for text the
  rules cannot read, e.g. a script with no lexicon: nothing is praised or complained about that we can see);
- mixed: clear praise and a clear complaint or request in the same message.

How it reads a message:
1. Text is folded per character (lower case, accents stripped) so offsets stay those of the original.
2. It is cut into sentences, and sentences into clauses (at commas, "but", "however", ...).
3. Lexicons find praise (strong words count on their own, weak ones like "good" only when intensified or
   said of a named person), thanks, complaints, requests and sarcasm ("thanks a lot" after a complaint,
   "Brilliant, the parcel is lost again"). A negator just before a praise word ("not helpful") turns it
   into a complaint. Families of patterns (COMPLAINT_PATTERNS, PRAISE_PATTERNS) catch what has no telling
   word: time without result, repetition, damage, money taken, broken promises ("It isn't.").
4. Thanks count as praise when the message asks for nothing, or when they are emphatic and not the closing
   line of a request ("Thanks in advance, could you..." is routine).
5. Names: capitalised words in a clause that praises ("Priya was brilliant", "thanks to Tom Baker",
   "a big thanks to Anna and Joe"), or in the clause before one that starts with "who/she/he".
   A name in a clause with no praise ("I spoke to Dan, no help at all") is not praised.
   First names that are also words (Will, Hope, Grace...) are names unless first in a sentence before a
   pronoun or verb ("Will you...").
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

KINDS = ("compliment", "complaint", "question", "mixed")
MAX_CHARS = 100_000


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str  # praise, thanks, complaint, request, sarcasm, name
    text: str


@dataclass
class Classification:
    kind: str
    praised_names: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    # Praise beyond a plain "thank you": praise words, a person thanked by name, or emphatic thanks.
    # Routing gives kudos only for these (a bare "Thanks!" closing a conversation is manners, not news).
    strong: bool = False


# --- folding: lower case without accents, one character for one, so offsets survive ---


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    lowered = char.lower()
    if len(lowered) != 1:  # "İ".lower() is two characters
        lowered = lowered[0]
    decomposed = unicodedata.normalize("NFKD", lowered)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if len(base) != 1:
        return lowered if len(lowered) == 1 else char
    return {"’": "'", "‘": "'", "ʼ": "'", "ł": "l", "ß": "s", "ø": "o", "æ": "a", "œ": "o"}.get(base, base)


def fold(text: str) -> str:
    if text.isascii():  # most mail: lower case is already the fold, one character for one
        return text.lower()
    return "".join(_fold_char(c) for c in text)


_SPACE, _ANY_ENDING, _END = r"\s+", r"\w*", ""


def _lexicon(*entries: str) -> re.Pattern:
    """A pattern for whole-word phrases; a trailing * allows any ending ("disappoint*").

    The phrases are one trie, not one alternation of hundreds: the regex engine tries the alternatives of
    an alternation one by one at every word, but a trie's branches part at the first letter that differs
    (complaints have 324 phrases: 100 us a message as an alternation, 20 as a trie).
    Where phrases share a start the longer is tried first, as "thank you so much" before "thank you"."""
    trie: dict = {}
    for entry in {fold(e) for e in entries}:
        node = trie
        for index, word in enumerate(entry.rstrip("*").split()):
            if index:
                node = node.setdefault(_SPACE, {})
            for char in word:
                node = node.setdefault(char, {})
        if entry.endswith("*"):
            node = node.setdefault(_ANY_ENDING, {})
        node[_END] = {}
    # Whole words: "can" is not in "can't"; a possessive may follow ("late husband's").
    return re.compile(r"(?<!\w)(?<!\w')" + _trie_pattern(trie) + r"(?!\w)(?!'(?!s(?!\w))\w)")


def _trie_pattern(node: dict) -> str:
    # Letters and spaces first, then any ending, then the end of a phrase: the longest phrase wins.
    order = sorted(node, key=lambda key: (key == _END, key == _ANY_ENDING, key))
    branches = [
        (key if key in (_SPACE, _ANY_ENDING, _END) else re.escape(key)) + _trie_pattern(node[key]) for key in order
    ]
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


# --- lexicons (folded forms; accents optional) ---

STRONG_PRAISE = _lexicon(
    # English
    "brilliant", "amazing", "amazingly", "fantastic", "excellent", "outstanding", "superb", "wonderful",
    "lovely", "helpful", "so helpful", "very helpful", "patient", "kind", "so kind", "friendly", "star",
    "superstar", "legend", "hero", "gem", "above and beyond", "went the extra mile", "extra mile", "impressed",
    "grateful", "appreciate*", "a pleasure", "delighted", "thrilled", "well done", "great job", "top notch",
    "spot on", "life saver", "credit to", "shout out", "shout-out", "shoutout", "kudos",
    "praise", "first class", "first-class", "exceptional", "incredible", "incredibly helpful", "fab",
    "fabulous", "perfect", "perfectly", "love", "loved", "saved the day", "came to the rescue",
    "made my day", "glowing", "cheerful", "understanding", "reassuring", "courteous", "thoughtful",
    "knowledgeable", "professional and", "could not have been more helpful", "couldn't have been more helpful",
    "couldn't have asked for", "deserves a", "deserves a raise", "deserves a pay rise", "an asset",
    "great service", "great customer service", "excellent service", "brilliant service", "the best",
    "five stars", "5 stars", "10/10", "so quick", "really quick", "sorted it", "sorted everything",
    "happy with the service", "very happy", "so happy", "over the moon", "a credit to", "lifesaver*",
    "best customer service", "best service", "best customer care", "ten out of ten", "10 out of 10", "gentleman", "gent", "angel", "treasure", "diamond", "adorable",
    "a joy", "gorgeous", "charming", "commend*", "gratitude", "great help", "a big help", "a real help",
    "such a help", "a great help", "good service", "made it painless", "made it easy", "made it so easy",
    "painless", "stress-free", "stress free", "hassle-free", "hassle free", "stellar", "faultless", "flawless", "impeccable", "marvellous", "splendid",
    # French
    "genial", "formidable", "aimable", "gentil", "gentille", "sympathique", "bravo", "excellent",
    "parfait", "ravi", "ravie", "serviable", "tres efficace", "au top",
    # German
    "toll", "tolle", "toller", "tolles", "hervorragend", "freundlich", "hilfsbereit", "grossartig", "großartig", "klasse", "prima",
    "super freundlich", "spitze", "wunderbar", "ausgezeichnet", "sehr zufrieden", "sehr nett",
    # Spanish
    "excelente", "amable", "estupendo", "estupenda", "maravilloso", "maravillosa", "fantastico",
    "fantastica", "encantado", "encantada", "muy contento", "muy contenta", "un placer",
    # Polish
    "swietny", "swietna", "swietnie", "wspanialy", "wspaniala", "mila", "mily", "pomocny", "pomocna",
    "polecam", "bardzo zadowolony", "bardzo zadowolona", "profesjonalnie",
    # Dutch
    "geweldig", "fantastisch", "vriendelijk", "behulpzaam", "heel blij", "erg blij", "uitstekend",
    "top service", "super vriendelijk",
    # Italian
    "gentilissimo", "gentilissima", "bravissimo", "bravissima", "ottimo", "ottima", "fantastico",
    "eccellente", "disponibile", "gentile", "molto soddisfatto", "molto soddisfatta",
    # Portuguese
    "impecavel", "simpatica", "simpatico", "atenciosa", "atencioso", "prestavel", "otimo", "otima",
    "maravilhosa", "maravilhoso", "muito prestavel",
    # Welsh
    "gwych", "wych", "ardderchog", "caredig", "hyfryd", "bendigedig", "arbennig", "hynod",
)
# Praise as patterns: "made the move easy", "made everything so simple", "made a real difference".
PRAISE_PATTERNS = [re.compile(p) for p in (
    r"(?<!\w)made\s+(?:it|this|that|everything|things|the\s+\w+|my\s+\w+|the whole\s+\w+)\s+(?:so\s+|really\s+|very\s+)?(?:easy|easier|simple|painless|stress[- ]free|straightforward|smooth|a breeze)(?!\w)",
    r"(?<!\w)made\s+(?:a|such a|a real|a huge|a big|all the)\s+difference(?!\w)",
)]
WEAK_PRAISE = _lexicon(
    "great", "good", "nice", "super", "quick", "fast", "efficient", "professional", "polite", "helped",
    "happy", "pleased", "top", "punctual", "tidy", "prompt", "easy", "awesome", "cool", "sorted", "resolved", "fixed",
    "bien", "tres bien", "gut", "sehr gut", "nett", "bueno", "buena", "muy bien", "dobry", "dobrze", "goed",
    "bene", "buono", "da", "gret",
)
INTENSIFIER = _lexicon(
    "so", "very", "really", "such", "extremely", "incredibly", "absolutely", "truly", "super", "ever so",
    "always", "ever", "tres", "sehr", "muy", "bardzo", "heel", "erg", "molto", "iawn",
)
THANKS = _lexicon(
    "thanks", "thank you", "thank-you", "much appreciated", "greatly appreciated", "appreciate it",
    "it's appreciated", "all appreciated", "to thank", "thank", "thanked", "thankyou", "thank u", "thx", "ty", "cheers", "many thanks",
    "merci", "remercie", "remercier", "danke", "dankeschon", "vielen dank", "herzlichen dank", "gracias",
    "dziekuje", "dziekujemy", "dzieki", "bedankt", "dank je", "dank u", "dankjewel", "grazie", "ringrazio",
    "diolch", "obrigado", "obrigada", "спасибо", "شكرا", "ありがとう", "谢谢", "köszönöm", "tak", "takk", "kiitos",
)
THANKS_EMPHATIC = _lexicon(
    "so much", "very much", "a million", "a lot for", "ever so much", "massively", "hugely", "enormously",
    "huge thanks", "big thanks", "massive thanks", "huge thank you", "big thank you", "massive thank you",
    "special thanks", "heartfelt", "sincere", "sincerely", "a big", "a huge", "a massive", "from the bottom",
    "so so much", "really", "beaucoup", "mille", "infiniment", "vielmals", "vielen herzlichen", "herzlichen",
    "muchas", "muchisimas", "bardzo", "serdecznie", "hartelijk", "heel erg", "mille grazie", "tante",
    "infinite", "yn fawr", "fawr iawn", "to everyone", "to all", "to the team", "for sorting", "for fixing",
    "for resolving", "for going", "for being", "for all your help", "for everything",
)
ROUTINE_THANKS = _lexicon(
    "in advance", "thanks for your time", "thank you for your time", "thanks for getting back",
    "en avance", "im voraus", "de antemano", "z gory", "alvast", "in anticipo", "ymlaen llaw",
)
COMPLAINT = _lexicon(
    # English
    "late", "later than", "delayed", "delay", "delays", "losing", "lose", "missing", "never arrived", "never came", "didn't arrive", "did not arrive",
    "hasn't arrived", "has not arrived", "not arrived", "not received", "never received", "wrong",
    "rude", "broken", "damaged", "smashed", "crushed", "leaking", "leaked", "faulty", "defective", "charged twice",
    "double charged", "overcharged", "charged me", "terrible", "awful", "horrible", "disgusting",
    "disgraceful", "disappoint*", "unacceptable", "useless", "worst", "still waiting", "still not",
    "still no", "nobody", "no one", "no-one", "complain*", "ridiculous", "fed up", "annoyed", "annoying",
    "angry", "furious", "poor", "shocking", "appalling", "not happy", "unhappy", "mistake",
    "ignored", "ignoring", "waste", "rotten", "mouldy", "moldy", "out of date", "stale",
    "cold", "melted", "annoys", "annoyed me", "lack of", "no money", "cancelled because", "gone out of my account", "been down", "is down", "down since", "sort it out", "doesn't answer", "didn't answer",
    "does not answer", "did not answer", "downhill", "smelled off", "smells off", "smelt off", "gone off", "went off",
    "defrosted", "thawed", "shame", "took weeks", "took three weeks", "took two weeks", "three calls", "four calls",
    "five calls", "waited in", "waited all day", "no-show", "no show", "please refund", "refund me",
    "want a refund", "my money back", "geld terug", "charged for", "soggy", "squashed", "third time", "second time", "hung up", "no help",
    "not helpful", "unhelpful", "no answer", "no reply", "no response", "not good enough", "lied",
    "cancelled my", "dreadful", "pathetic", "joke", "livid", "upset", "frustrat*", "incompetent", "mess",
    "messed up", "failed", "failure", "compensation", "sick of",
    "had enough", "embarrass*", "shambles", "sloppy", "careless", "scam", "rip off", "rip-off", "lost",
    "not working", "doesn't work", "does not work", "stopped working", "keeps crashing", "keeps logging",
    "keeps freezing", "keeps failing", "keeps happening", "keep getting", "why", "twice", "two different",
    "three different", "unbelievable", "i was told", "told me it would", "was promised", "were promised",
    "nightmare", "too much", "gone up", "went up", "no further forward", "couldn't do anything",
    "couldn't actually", "could not do anything", "not here", "isn't here", "never got", "got cut off",
    "was cut off", "cut me off", "still haven't", "still hasn't", "still isn't", "still don't", "still can't",
    "incorrect", "manquait", "manque", "sbagliato", "sbagliata", "verkeerd", "equivocado", "equivocada",
    "mauvais", "mauvaise", "zly", "zla", "problem with", "a problem", "the problem", "error message",
    "can't log in", "cannot log in", "locked out", "not what i ordered", "rubbish", "dirty", "chaos",
    # French
    "retard", "en retard", "casse", "cassee", "decu", "decue", "decevant", "inacceptable", "nul", "nulle",
    "toujours pas", "jamais recu", "plainte", "honteux", "inadmissible", "endommage", "pas content",
    "pas contente", "abime", "manquant",
    # German
    "kaputt", "beschadigt", "enttauscht", "unverschamt", "inakzeptabel", "immer noch nicht", "verspatet",
    "verspatung", "falsch", "beschwerde", "schlecht", "argerlich", "frech", "unfreundlich", "fehlt",
    "nie angekommen", "nicht angekommen", "katastrophe", "zu spat",
    # Spanish
    "roto", "rota", "retraso", "decepcionado", "decepcionada", "inaceptable", "queja", "todavia no",
    "nunca llego", "no ha llegado", "pesimo", "pesima", "horrible", "mal estado", "tarde", "estropeado",
    "grosero", "grosera", "falta", "vergonzoso",
    # Polish
    "reklamacja", "reklamacje", "zepsuty", "zepsuta", "uszkodzony", "uszkodzona", "spoznienie",
    "rozczarowany", "rozczarowana", "skandal", "nadal nie", "wciaz nie", "niedopuszczalne", "zle", "fatalny",
    "fatalna", "niegrzeczny", "niegrzeczna", "brakuje", "nie dotarla", "nie dotarl", "okropny", "okropna",
    # Dutch
    "kapot", "beschadigd", "teleurgesteld", "onacceptabel", "nog steeds niet", "te laat", "klacht",
    "slecht", "onbeleefd", "ontbreekt", "nooit aangekomen", "niet aangekomen", "belachelijk",
    # Italian
    "rotto", "rotta", "danneggiato", "danneggiata", "in ritardo", "deluso", "delusa", "inaccettabile",
    "reclamo", "ancora non", "pessimo", "pessima", "maleducato", "maleducata", "mai arrivato", "non e arrivato",
    "vergogna", "manca",
    # Welsh
    "siomedig", "wedi torri", "hwyr", "cwyn", "ofnadwy", "anghwrtais", "ar goll", "heb gyrraedd",
)
# Complaint signals as families of patterns rather than words: many complaints use no complaint word at all
# ("it's been three weeks and still nothing", "this is the third time I've had to write", "the box was soaked").
_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|several|few|many|couple of)"
_UNIT = r"(?:minutes?|mins|hours?|hrs|days?|weeks?|months?|years?|fortnight)"
COMPLAINT_PATTERNS = [re.compile(p) for p in (
    # time without result: "it's been three weeks", "on hold for fifty minutes", "four days without hot water",
    # "waited six weeks", "I paid weeks ago"
    r"(?<!\w)(?:it'?s been|it has been|been waiting|i'?ve waited|waited|waiting|on hold|chasing)\s+(?:for\s+)?(?:over\s+|nearly\s+|almost\s+|more than\s+)?(?:" + _NUM + r"\s+)?" + _UNIT + r"(?!\w)",
    r"(?<!\w)(?:now\s+)?(?:been\s+)?(?:on hold|waiting|waited)\s+(?:for\s+)?(?:over\s+|nearly\s+|almost\s+)?" + _NUM + r"\s+" + _UNIT + r"(?!\w)",
    r"(?<!\w)" + _NUM + r"\s+" + _UNIT + r"\s+(?:without|and still|and nothing|later and|on and)(?!\w)",
    r"(?<!\w)(?:paid|ordered|sent it|returned it|reported it)\s+(?:" + _NUM + r"\s+)?" + _UNIT + r"\s+ago(?!\w)",
    r"(?<!\w)(?:and\s+)?still\s+(?:nothing|no sign|no word|no news|not|no|missing|broken|wrong|there|the same|lost|waiting|billing|charging|showing|shows|says|hasn'?t|haven'?t|isn'?t|can'?t|won'?t|doesn'?t|don'?t)(?!\w)",
    r"(?<!\w)(?:toujours rien|toujours pas|immer noch|noch immer|todavia no|aun no|nadal nie|nadal czekam|nog steeds|nog altijd|non e ancora|non ancora|ancora niente|dal ar goll|ainda nao|ainda nada|czekam juz|j'attends)(?!\w)",
    # repetition: "the third time", "yet again", "again." closing a sentence, "outra vez", "schon wieder"
    r"(?<!\w)(?:second|third|fourth|fifth|sixth|umpteenth|nth|3rd|4th|5th)\s+time(?!\w)",
    r"(?<!\w)(?:yet|all over)\s+again(?!\w)",
    r"(?<![^.!?\n])\s*again[\s.!]*$",  # "Again." on its own
    r"(?<!\w)(?:same (?:thing|problem|issue|mistake|error|fault)|happened|happening|it's happened)\s+again(?!\w)",
    r"(?<!\w)(?:outra vez|otra vez|de nuevo|encore une fois|schon wieder|wieder einmal|znowu|po raz kolejny|alweer|opnieuw|ancora una volta|di nuovo|derde keer|troisieme fois|dritte mal|tercera vez|trzeci raz|terza volta|eto)(?!\w)",
    # damage: "soaked through", "cracked", "dented", "a tear down one side", "scratches all over it"
    r"(?<!\w)(?:soaked|soaking|sodden|wet through|ruined|cracked|dented|dent|torn|ripped|a tear|scratch\w*|shattered|stained|snapped|chipped|leak\w*|mud|muddy|filthy|dirty|clearly used|second[- ]hand|threw|thrown|dumped|beschadigt|beschädigt|kaputt|rotto|rotta|roto|zepsut\w*|uszkodzon\w*|kapot|abime\w*|casse|cassee|casses|estragad\w*|danificad\w*)(?!\w)",
    # money taken: "taken £49 from my account", "you're still billing me", "me han cobrado"
    r"(?<!\w)(?:taken|took|debited|deducted|charged)\s+(?:[£$€]\s?\d[\d.,]*|\d[\d.,]*\s?(?:pounds|euros?|dollars))",
    r"(?<!\w)(?:taken|took|deducted|debited)\s+(?:\w+\s+){0,3}from my (?:account|card|bank)",
    r"(?<!\w)(?:cobrado|cobraron|preleve|abgebucht|pobrano|pobrali|afgeschreven|addebitat\w*|cobrad\w*)(?!\w)",
    # negated expectations: "he said it would be fixed. It isn't", "Bill said he'd sort it, he didn't",
    # "never applied", "didn't turn up", "apparently not"
    r"(?<!\w)(?:it|he|she|they|you|nobody|no one|that)\s+(?:didn'?t|did not|isn'?t|is not|wasn'?t|hasn'?t|haven'?t|never did|never has|still hasn'?t)\s*[.!]*\s*$",
    r"(?<!\w)never\s+(?:arrived|came|turned up|showed up|showed|applied|happened|called|rang|replied|responded|got back|heard back|delivered|processed|refunded|fixed|sorted|answered|materiali[sz]ed|came through|got through|landed|turned)(?!\w)",
    r"(?<!\w)(?:didn'?t|did not|failed to|never)\s+(?:turn up|show up|show|arrive|call back|ring back|get back|reply|respond|happen|come)(?!\w)",
    r"(?<!\w)(?:apparently not|evidently not|obviously not|clearly not|did anyone|does anyone|is anyone|all i get is|all i got was|took a day off|day off work|waste of)(?!\w)",
    r"(?<!\w)(?:the opposite|contradict\w*|one thing\W+\w+ told me|stop sending|stop charging|stop calling|drove me mad|drove me crazy|driving me mad|driving me crazy|drive me mad|drives me mad|up the wall)(?!\w)",
    # done to the customer without a say: "cancelled without asking", "without any warning"
    r"(?<!\w)without\s+(?:any\s+|so much as\s+|even\s+)?(?:asking|telling|warning|notice|notifying|consulting|permission|my (?:permission|consent|agreement|say))(?!\w)",
    # nobody / no reply in other languages
    r"(?<!\w)(?:nadie|niemand|nessuno|personne ne|nikt|neb|ninguem|ninguém|nunca chegou|nie dotarl\w*|nie doszl\w*|no ha llegado|nunca llego|n'est jamais|nie angekommen|nooit aangekomen|mai arrivato)(?!\w)",
)]
# The signals that need not end a window, as one pattern: it matches where any of them would (each starts
# with the same look-behind, and an alternation matches wherever one of its branches does).
_WORD_START = r"(?<!\w)"
END_SIGNALS = [pattern for pattern in COMPLAINT_PATTERNS if "$" in pattern.pattern]
ANY_SIGNAL = re.compile(_WORD_START + "(?:" + "|".join(
    "(?:" + p.pattern[len(_WORD_START):] + ")" for p in COMPLAINT_PATTERNS if p not in END_SIGNALS
) + ")")
# Complaint words that, next to praise, usually describe the problem someone then put right.
RESOLVED = _lexicon(
    "sorted", "sorted it", "sorted out", "sorting", "for finding", "found my", "day around", "things around", "fixed", "resolved", "put right", "replaced", "refunded",
    "in the end", "turned it around", "saved the day", "came to the rescue", "got it back", "found it",
    "straight away", "within minutes", "made it right", "rectified", "arrived the next day",
    "arrived today", "now arrived", "finally arrived", "arrived safely", "all good now", "resolu", "regle",
    "gelost", "erledigt", "resuelto", "solucionado", "zalatwione", "rozwiazany", "opgelost", "risolto",
    "wedi datrys", "spotted", "caught the", "noticed the",
)
# The same, where words may stand in between: "turned a horrible week around".
RESOLVED_PATTERN = re.compile(r"(?<!\w)(?:turned|turn|put|made|set)\s+(?:\w+\s+){0,3}(?:around|round|right)(?!\w)")
REQUEST = _lexicon(
    # English
    "please", "pls", "plz", "could you", "can you", "would you", "will you", "could someone", "can someone",
    "i need", "we need", "i'd like", "i would like", "i want", "i wish to", "let me know", "tell me",
    "how do i", "how can i", "how do you", "when will", "where is", "where's", "is there", "is it possible",
    "do you", "does it", "are you able", "cancel my", "change my", "update my", "send me", "help me",
    "wondering", "advise", "just checking", "checking whether", "checking if", "checking that",
    "just confirming", "want to check", "wanted to check", "need to know", "to confirm", "i'm trying to", "i am trying to", "looking for", "any chance", "is my",
    "what is", "what's the", "i'd be grateful if", "would be grateful if", "need to", "can i",
    "could i", "may i", "should i", "how long", "what time", "which",
    # French
    "pouvez-vous", "pouvez vous", "pourriez-vous", "pourriez vous", "est-ce que", "je voudrais",
    "j'aimerais", "merci de me", "s'il vous plait", "svp", "quand", "comment",
    # German
    "konnen sie", "konnten sie", "bitte", "ich mochte", "ich hatte gern", "wann", "wie kann", "wo ist",
    # Spanish
    "puede", "pueden", "podria", "podrian", "cuando", "como puedo", "quisiera", "necesito", "por favor",
    "donde esta",
    # Polish
    "czy", "kiedy", "jak moge", "prosze o", "prosze", "chcialbym", "chcialabym", "potrzebuje", "gdzie",
    # Dutch
    "kunt u", "kun je", "wanneer", "hoe kan", "graag", "ik wil", "ik zou graag", "waar is",
    # Italian
    "potete", "potreste", "puo", "potrebbe", "quando", "come posso", "vorrei", "per favore", "dove",
    # Portuguese
    "gostaria", "queria saber", "podem", "poderiam", "poderia", "pode", "preciso", "quando",
    # Welsh
    "allwch chi", "pryd", "sut", "os gwelwch yn dda", "plis", "hoffwn",
)
# Polite closings that are not requests for anything ("let me know if you need anything" from a customer is
# rare, but "please keep up the good work" is praise).
NOT_REQUEST = _lexicon(
    "please pass on", "please pass", "please thank", "please tell her", "please tell him", "please tell them",
    "please let her know", "please let him know", "please let them know", "please give", "please say",
    "please make sure she", "please make sure he", "please share", "keep up the", "can't thank",
    "cannot thank", "can't recommend", "could not be happier", "couldn't be happier", "can't fault",
    "could not fault", "couldn't fault", "bitte richten sie", "por favor transmita", "prosze przekazac",
    "would be great", "would be lovely", "would be brilliant", "would be amazing", "would be fantastic",
    "would be perfect", "do you know how", "is there anything better", "i want to thank", "i want to say",
    "i wanted to say", "just wanted to", "i'd like to thank", "i'd like to say", "i would like to thank",
    "i would like to say", "i'd just like to", "i'd like to pass on", "i would like to pass on", "want to pass on", "wanted to pass on",
    "please tell their", "please tell your", "please let their", "please let your", "tell their manager",
    "tell her manager", "tell his manager", "i want to commend", "i'd like to commend", "i want to praise", "i just want to say", "i want to praise", "want to thank",
)
# "That would be great if you could..." is a request, not praise.
POLITE_CONDITIONAL = _lexicon(
    "would be great", "would be lovely", "would be brilliant", "would be amazing", "would be fantastic",
    "would be perfect", "would be good", "would be nice", "would be super", "would be helpful",
    "be grateful", "would appreciate", "i'd appreciate", "appreciate it if", "appreciate if", "appreciated if",
)
# Complaint words that are not complaints in these phrases ("my late husband", "the late shift").
NOT_COMPLAINT = _lexicon(
    "late husband", "late wife", "late mother", "late father", "late mum", "late dad", "late shift",
    "late night", "late-night", "late afternoon", "late evening", "late morning", "why not", "no problem",
    "no problems", "not a problem", "cut-off", "staying late", "stayed late", "working late", "worked late", "cut off time", "by mistake", "what was wrong", "what's wrong", "what went wrong", "no one else", "nobody else",
)
# Praise taken back in the same sentence: "Sarah was helpful, I suppose".
HEDGE = _lexicon("i suppose", "i guess", "i suppose so", "sort of", "kind of", "ish")
NEGATOR = re.compile(
    r"(?<!\w)(?:not|never|no|n't|hardly|barely|far from|less than|nicht|kein\w*|pas|ne|nie|niet|geen|non|ddim|"
    r"nada|nunca|wasn't|isn't|weren't|aren't|didn't|wasnt|isnt|didnt)(?:\s+\w+)?(?:\s+\w+)?\s*$"
)
# Sarcastic only in a message that complains: "thanks a lot for your help, Mia" is sincere.
SARCASM_IF_COMPLAINT = _lexicon("thanks a lot", "thanks a bunch", "great job", "well done", "nice one")
SARCASM = _lexicon(
    "thanks for nothing", "cheers for nothing", "thank you for nothing", "yeah right",
    "oh great", "oh brilliant", "oh wonderful", "oh fantastic", "just great", "just brilliant",
    "just perfect", "just what i needed", "so much for", "what a joke", "well done for", "great job losing", "merci pour rien", "danke fur nichts", "gracias por nada", "dzieki za nic",
)
# Sentence openers that are praise words used ironically when the rest of the sentence complains.
IRONIC_OPENER = re.compile(r"^\W*(?:oh\s+)?(?:great|brilliant|fantastic|wonderful|lovely|perfect|super|marvellous|fab)\s*[,!.:;–—-]")
QUESTION_MARK = re.compile(r"[?？؟;]\s*$|[?？؟]")

CONTRAST = re.compile(r"(?<!\w)(?:but|however|although|though|shame|sadly|unfortunately|mais|aber|pero|ale|maar|mas|ond)(?!\w)")
CLAUSE_BREAK = re.compile(
    r"\s*(?:[,;:–—()]|\s-\s|(?<!\w)(?:but|however|although|though|whereas|yet|except|mais|aber|pero|ale|maar|ma|mas|ond|"
    r"cependant|jedoch|sin embargo|pero|jednak|echter|pero|pero)(?!\w))\s*"
)
SENTENCE = re.compile(r"(?:[^.!?\n。！？]|(?<=\d)\.(?=\d))+[.!?。！？]*|\n")  # "£12.50" is not two sentences
SIGN_OFF = re.compile(r"^[ \t]*[,.!]*[ \t]*(?:\r?\n|$)")
# A capitalised word (any script with case): names are one to three of them in a row.
# "O'Neill", "McDonald", "MacLeod" are one word.
_UP, _LOW = "A-ZÀ-ÖØ-ÞĀ-ſ", "a-zà-öø-ÿā-ſ"
NAME_WORD = re.compile(
    rf"(?<![\w'’])([{_UP}]['’][{_UP}][{_LOW}'’-]+|[{_UP}][{_LOW}'’-]+(?:[{_UP}][{_LOW}'’-]+)?)"
)
# First names that are also words. Capitalised inside a sentence they are names ("thank you Will"); first
# in a sentence they are names unless a pronoun or verb follows ("Will you...", "Hope you are well",
# "May I...", "Bill attached").
WORD_NAMES = {"will", "bill", "hope", "grace", "rose", "joy", "faith", "dawn", "mark", "pat", "sue",
              "rob", "iris", "holly", "ivy", "robin", "amber", "ruby", "penny", "frank", "max", "jack", "sky",
              "autumn", "patience", "precious", "sunny", "victor", "chase", "guy", "ray", "may"}
NOT_AFTER_WORD_NAME = re.compile(
    r"^\s+(?:you|you're|i|i'm|i've|we|it|it's|they|he|she|someone|anyone|somebody|anybody|there|this|that|"
    r"these|all|everything|to|so|be|have|not|the|your|my|is|are|attached|enclosed|for|of|payment|number)(?!\w)"
)
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "herr", "frau", "monsieur", "madame", "mme", "senor", "senora",
          "sr", "sra", "pan", "pani", "meneer", "mevrouw", "signor", "signora", "sig", "sir", "madam"}
NOT_NAMES = {
    fold(w)
    for w in """i im i'm i've id i'd the a an and but or so to of in on at for with from by your you yours my our we
    us they them their it its it's this that these those he she her him his hers hi hello hey dear morning evening
    afternoon good great thanks thank thankyou cheers many much very really just also please regards best kind
    warm love yours sincerely faithfully brilliant amazing fantastic excellent outstanding superb wonderful lovely
    helpful patient friendly star legend hero gem huge big massive special shout kudos praise well done top
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december today yesterday tomorrow tonight christmas easter
    royal mail post office team teams support service services customer customers care billing deliveries
    delivery delivered order orders parcel courier driver van store shop company manager staff agent agents
    website app email phone call chat online portal account refund invoice ticket london leeds manchester
    cardiff glasgow edinburgh bristol birmingham england wales scotland uk british english welsh
    what when where why how who which is are was were will would could can did do does has have had not no yes
    ok okay oh wow sorry as if after before again still even once one two three five ten
    bonjour merci madame monsieur hallo danke vielen guten tag sehr hola gracias buenos dias dzien dobry dziekuje
    hallo bedankt goedemiddag goedemorgen ciao grazie buongiorno diolch bore da prynhawn helo shwmae noswaith
    fresh basket freshbasket caredesk amazon dpd evri hermes ups dhl fedex parcelforce tesco asda
    everyone everybody all guys folks lady gentleman man woman chap bloke girl lad person people someone
    whoever colleague colleagues lead gwasanaeth tim equipo equipe zespol
    telefon hilfe paket bestellung lieferung kundenservice mitarbeiter mitarbeiterin fahrer fahrerin techniker
    termin rechnung geld ware woche wochen tag tage ich sie das die der es wir ihr ihre ihnen
    roedd mae mae'r yr y ac am ei fy le la les el los las il lo het de een ik je u ze hij zij wij
    je vous nous elle il ils merci muchas gracias grazie mille dziekuje bardzo pan pani wielkie
    ce cette cet ces c'est mon ma mes ton ta votre vos notre nos un une des du au aux mi mis su sus tu nuestro
    mein meine dein unser euer ein eine einen dem den mijn ons onze jullie il mio tuo suo nostro
    dank everything nothing something anything everyone calm clear shame last first waited charged ordered
    genuinely definitely seriously incredibly extremely certainly literally actually basically finally
    unfortunately sadly luckily thankfully hopefully apparently obviously clearly personally especially credit
    arbeit service hilfe danke kundendienst
    only absolutely truly honestly seriously simply totally thankful cheers nice one quick fab perfect super""".split()
}
# A clause that goes on about someone named just before: "I spoke to Chloe, who was amazing",
# "The driver, Kev I think, was very friendly".
CONTINUES = re.compile(r"^\W*(?:who|she|he|they|which|whom|qui|elle|il|sie|er|que|ella|ktory|ktora|ona|on|zij|hij|"
                       r"che|lei|lui|hi|fe|nhw|was|is|were|has|had|did|you|you're|you are|youre)(?!\w)")
# What may stand in a clause beside the names for it to be a vocative ("Thank you, Emma", "Marta and Ollie, thank you").
VOCATIVE_REST = re.compile(r"^[\W\d_]*(?:(?:and|&|et|und|y|i|en|e|a|dear|hi|hello)\W+)*$")
LEXICONS_NOT_NAMES: list[re.Pattern] = []


def _word_is_name(text: str, start: int, end: int) -> bool:
    """Is the capitalised word text[start:end] (one of WORD_NAMES) used as a name here?"""
    before = text[:start].rstrip(" \t\"'“(")
    if before and before[-1] not in ".!?\n。！？":
        return True  # capitalised inside a sentence: "thank you Will", "Will and Grace"
    if fold(text[start:end]) in {"may", "summer", "autumn", "patience", "precious", "sunny", "chase", "guy"}:
        return False  # first in a sentence these are far more often the word
    return not NOT_AFTER_WORD_NAME.match(fold(text[end:end + 24]))


def _names_in(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Capitalised names in text[start:end]: runs of capitalised words that are not common words."""
    found: list[tuple[int, int, str]] = []
    run: list[tuple[int, int, str]] = []

    def close():
        if run:
            found.append((run[0][0], run[-1][1], " ".join(word for _, _, word in run)))
            run.clear()

    position = start
    for match in NAME_WORD.finditer(text, start, end):
        word = match.group(1).rstrip("'’-")
        if word.endswith(("'s", "’s")):
            word = word[:-2]
        key = fold(word)
        gap = text[position:match.start()]
        word_name = key in WORD_NAMES and _word_is_name(text, match.start(), match.start() + len(word))
        if run and (gap.strip() or len(gap) > 1):
            close()
        if key in TITLES:
            close()
        elif not word_name and (
            key in NOT_NAMES or len(word) < 2 or "n't" in key or any(p.fullmatch(key) for p in LEXICONS_NOT_NAMES)
        ):
            close()
        else:
            run.append((match.start(), match.start() + len(word), word))
            if len(run) == 3:
                close()
        position = match.end()
    close()
    return found


@dataclass
class _Clause:
    start: int
    end: int
    praise: list[Span] = field(default_factory=list)
    weak: list[Span] = field(default_factory=list)
    thanks: list[Span] = field(default_factory=list)
    complaint: list[Span] = field(default_factory=list)
    names: list[tuple[int, int, str]] = field(default_factory=list)
    intensified: bool = False


def _hits(pattern: re.Pattern, folded: str, original: str, start: int, end: int, label: str) -> list[Span]:
    return [Span(m.start(), m.end(), label, original[m.start():m.end()]) for m in pattern.finditer(folded, start, end)]


def _signals_in(folded: str) -> list[re.Pattern]:
    """The COMPLAINT_PATTERNS that can match in some window of the message: the few that match somewhere in
    it, and those with $ (which matches at a window's end). Each is then looked for in every clause; most
    messages hold none of them, and looking for all of them in every clause was half of classify's time.
    Whether any matches at all is one search of ANY_SIGNAL, a third of the time of searching each."""
    if not ANY_SIGNAL.search(folded):
        return END_SIGNALS
    return [pattern for pattern in COMPLAINT_PATTERNS if pattern in END_SIGNALS or pattern.search(folded)]


def _complaint_hits(
    folded: str, original: str, start: int, end: int, label: str, signals: list[re.Pattern]
) -> list[Span]:
    """Complaint words (COMPLAINT) and complaint signals (of `signals`, see _signals_in) in folded[start:end]."""
    hits = _hits(COMPLAINT, folded, original, start, end, label)
    for pattern in signals:
        hits += [hit for hit in _hits(pattern, folded, original, start, end, label) if not _inside(hit, hits)]
    return hits


def _negated(folded: str, clause_start: int, hit_start: int) -> bool:
    return bool(NEGATOR.search(folded[clause_start:hit_start]))


def _inside(span: Span, spans: list[Span]) -> bool:
    return any(other.start <= span.start and span.end <= other.end for other in spans)


def _is_name_only(text: str, clause: "_Clause") -> bool:
    rest = text[clause.start:clause.end]
    for start, end, _ in reversed(clause.names):
        rest = rest[: start - clause.start] + " " + rest[end - clause.start:]
    return bool(clause.names) and bool(VOCATIVE_REST.match(fold(rest)))


def classify(message: str) -> Classification:
    """Classify one inbound message. Never raises for any string (other scripts get "question", no names);
    text past MAX_CHARS is not read."""
    text = (message or "")[:MAX_CHARS]
    if not text.strip():
        return Classification("question")
    folded = fold(text)
    signals = _signals_in(folded)
    not_complaint = _hits(NOT_COMPLAINT, folded, text, 0, len(text), "")
    message_complains = any(
        not _inside(h, not_complaint) for h in _complaint_hits(folded, text, 0, len(text), "", signals)
    )
    resolved = bool(RESOLVED.search(folded) or RESOLVED_PATTERN.search(folded))
    spans: list[Span] = []
    praise_sentences: list[int] = []
    weak_named: list[tuple[int, list]] = []  # praise only if the message asks for nothing
    thanks_sentences: list[tuple[int, bool, bool, list]] = []  # (sentence, emphatic, routine, names thanked)
    request_sentences: list[int] = []
    complaint_count = 0
    last_complaint = -1  # the last sentence that complains
    sarcastic = False
    names: list[str] = []

    def praise(targets) -> None:
        for start, end, name in targets:
            if name not in names:
                names.append(name)
                spans.append(Span(start, end, "name", name))

    sentences = [m for m in SENTENCE.finditer(text) if m.group().strip()]
    for index, sentence in enumerate(sentences):
        s_start, s_end = sentence.span()
        s_folded = folded[s_start:s_end]
        # Requests: a question mark, or a request phrase that is not a polite way of passing praise on.
        not_request = _hits(NOT_REQUEST, folded, text, s_start, s_end, "")
        polite = _hits(POLITE_CONDITIONAL, folded, text, s_start, s_end, "request")
        requests = [h for h in _hits(REQUEST, folded, text, s_start, s_end, "request") if not _inside(h, not_request)]
        question = QUESTION_MARK.search(text, s_start, s_end)
        if question and not not_request:
            requests.append(Span(question.start(), question.end(), "request", question.group()))
        requests += polite
        if requests:
            request_sentences.append(index)
            spans += requests
        sarcasm = [
            hit for hit in _hits(SARCASM, folded, text, s_start, s_end, "sarcasm")
            if not (hit.text.lower().startswith("so much") and "thank" in folded[max(0, hit.start - 12):hit.start])
        ]
        if message_complains:
            # "Great job from Ravi, but the email never arrived": praise set against the complaint by a
            # contrast is sincere; "Thanks a bunch for losing my paperwork" is not.
            sarcasm += [
                hit for hit in _hits(SARCASM_IF_COMPLAINT, folded, text, s_start, s_end, "sarcasm")
                if not CONTRAST.search(folded, hit.end, s_end)
            ]
        hedged = bool(HEDGE.search(s_folded))
        clauses = []
        cursor = s_start
        for brk in list(CLAUSE_BREAK.finditer(text, s_start, s_end)) + [None]:
            c_end = brk.start() if brk else s_end
            if c_end > cursor:
                clauses.append(_Clause(cursor, c_end))
            if brk:
                cursor = brk.end()
        sentence_complaints: list[Span] = []
        for clause in clauses:
            praise_hits = _hits(STRONG_PRAISE, folded, text, clause.start, clause.end, "praise")
            for pattern in PRAISE_PATTERNS:
                praise_hits += _hits(pattern, folded, text, clause.start, clause.end, "praise")
            manners = _hits(THANKS, folded, text, clause.start, clause.end, "")
            for hit in praise_hits:
                if _inside(hit, manners):  # "Much appreciated" is a thanks, weighed as thanks below
                    continue
                if _inside(hit, polite) or _inside(hit, sarcasm) or _inside(hit, not_request) and "thank" in hit.text:
                    continue
                if _negated(folded, clause.start, hit.start):
                    clause.complaint.append(Span(hit.start, hit.end, "complaint", hit.text))
                elif not hedged:
                    clause.praise.append(hit)
            for hit in _hits(WEAK_PRAISE, folded, text, clause.start, clause.end, "praise"):
                if _inside(hit, polite) or _inside(hit, sarcasm) or _inside(hit, clause.praise) or hedged:
                    continue
                if _negated(folded, clause.start, hit.start):
                    continue
                if INTENSIFIER.search(folded[max(clause.start, hit.start - 20):hit.start]):
                    clause.intensified = True
                clause.weak.append(hit)
            if len(clause.weak) >= 2:  # "polite and quick", "quick, friendly": a description, not a filler
                clause.intensified = True
            clause.thanks = [h for h in _hits(THANKS, folded, text, clause.start, clause.end, "thanks") if not _inside(h, sarcasm)]
            clause.complaint += [
                hit for hit in _complaint_hits(folded, text, clause.start, clause.end, "complaint", signals)
                if not _inside(hit, clause.praise) and not _inside(hit, not_complaint)
            ]
            clause.names = _names_in(text, clause.start, clause.end)
            sentence_complaints += clause.complaint
        # Irony: "Brilliant, the parcel is lost again" praises nobody.
        opener = IRONIC_OPENER.match(s_folded)
        if opener and sentence_complaints and clauses and not clauses[0].names:
            clauses[0].praise, clauses[0].weak = [], []
            sarcasm.append(Span(s_start, s_start + opener.end(), "sarcasm", text[s_start:s_start + opener.end()]))
        if sarcasm:
            # Praise in a sarcastic sentence is part of the sarcasm ("... for losing my paperwork, really helpful").
            for clause in clauses:
                if not clause.names:
                    clause.praise, clause.weak = [], []
            sarcastic = True
            complaint_count += 1
            spans += sarcasm
        if sentence_complaints or sarcasm:
            last_complaint = index
        if sentence_complaints:
            complaint_count += 1
            spans += sentence_complaints
        for position, clause in enumerate(clauses):
            before = clauses[position - 1] if position else None
            after = clauses[position + 1] if position + 1 < len(clauses) else None
            # Whom this clause is about: its own names, the one just named ("Chloe, who was amazing"),
            # or a name standing alone beside it ("Hannah, you are a legend", "Thank you, Emma").
            targets = list(clause.names)
            if before and (CONTINUES.match(folded[clause.start:clause.end]) or _is_name_only(text, before)):
                targets = before.names + targets
            if after and _is_name_only(text, after):
                targets += after.names
            if clause.praise or (clause.weak and clause.intensified):
                praise_sentences.append(index)
                spans += clause.praise + clause.weak
                praise(targets)
            elif clause.weak and targets:
                weak_named.append((index, clause.weak, targets))
            if clause.thanks:
                emphatic = bool(THANKS_EMPHATIC.search(folded, s_start, s_end))
                routine = bool(ROUTINE_THANKS.search(folded, s_start, s_end))
                thanked = [t for t in targets if t[0] >= clause.thanks[0].start or t not in clause.names]
                # "Thanks, but that doesn't answer my question": a plain thanks beside a complaint is manners;
                # so is a sign-off ("Cheers,\nKwame") with only a signature after it.
                rest = text[clause.thanks[-1].end:]
                sign_off = bool(SIGN_OFF.match(rest)) and len(rest.split()) <= 4 and bool(rest.strip(" \t\r\n,.!"))
                routine = routine or sign_off or (bool(sentence_complaints) and not emphatic and not thanked)
                if sign_off:
                    thanked = []
                thanks_sentences.append((index, emphatic or bool(thanked), routine, thanked))
                spans += clause.thanks

    request_count = len(request_sentences)
    last_request = max(request_sentences, default=-1)
    counted_thanks = strong_thanks = False
    for index, emphatic, routine, thanked in thanks_sentences:
        if routine or sarcastic and not praise_sentences:
            continue
        if complaint_count and not emphatic:  # "Order wrong again. Thanks." is manners
            continue
        # Thanks count when nothing is asked, or when emphatic and not the closing line of a request.
        if request_count == 0 or (emphatic and index < last_request):
            counted_thanks = True
            strong_thanks = strong_thanks or emphatic
            praise(thanked)
    if request_count == 0:
        for index, words, targets in weak_named:
            if last_complaint > index:  # "Will said it would be fixed. It isn't." praises nobody
                continue
            praise_sentences.append(index)
            spans += words
            praise(targets)
    has_praise = bool(praise_sentences) or counted_thanks
    # A problem the praised person put right is the story of the compliment, not a complaint.
    complaining = complaint_count > 0 and not (has_praise and resolved and not sarcastic and request_count == 0)
    if has_praise and (complaining or request_count):
        kind = "mixed"
    elif has_praise:
        kind = "compliment"
    elif complaining:
        kind = "complaint"
    else:
        kind = "question"
    if not has_praise:
        names = []
        spans = [s for s in spans if s.label not in ("praise", "name", "thanks")]
    spans.sort(key=lambda s: (s.start, s.end))
    strong = has_praise and bool(praise_sentences or strong_thanks or names)
    return Classification(kind, names, spans, strong)


LEXICONS_NOT_NAMES.extend([STRONG_PRAISE, WEAK_PRAISE, THANKS, COMPLAINT, INTENSIFIER, REQUEST])
