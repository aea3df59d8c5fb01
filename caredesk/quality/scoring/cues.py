"""The explainable part of the scorer: lexicons of phrases that make a behaviour present (helped) or
absent (hurt), with the rewrite to offer for the hurting ones, and structural cues (a greeting with a
name, a time for the next step, words shared with the customer's message).

Every cue becomes a feature of the behaviour's linear model (models.py), so the trained weights decide how
much each one counts; the cues that matched are the spans the composer highlights. Patterns are matched
case-insensitively on the raw reply, so spans point at the words as the agent wrote them.
"""

import re
from dataclasses import dataclass

from . import text as textlib

BEHAVIOURS = ("warm", "interested", "willing", "positive", "empathy", "polite")


@dataclass(frozen=True)
class Cue:
    name: str
    pattern: re.Pattern
    helps: bool
    instead: str = ""  # a better way to say it, for cues that hurt
    # The same pattern in lower case, run on the lower-cased reply: Python's re is about 2.5 times
    # faster without IGNORECASE. (Patterns use no upper-case escapes such as \S or \B.)
    lower: re.Pattern | None = None


def _cues(*rows) -> list[Cue]:
    return [
        Cue(name, re.compile(pattern, re.IGNORECASE), helps, instead, re.compile(pattern.lower()))
        for name, pattern, helps, *rest in rows
        for instead in [rest[0] if rest else ""]
    ]


NAME = r"(?:(?:Mrs|Mr|Ms|Miss|Dr|Mx)\.? )?[A-Z][a-z]+"  # a first name as written after a greeting (matched case-sensitively below)

# Actions an agent takes for a customer, as past participles (refunded, re-sent, set up...): the verb family
# that says something was done, whoever the sentence names as doing it.
DONE = (
    r"(?:re-?)?(?:refunded|sent|arranged|booked|added|credited|cancell?ed|reset|updated|fixed|changed|ordered|"
    r"issued|moved|applied|removed|unlocked|restored|posted|emailed|upgraded|extended|waived|reversed|corrected|"
    r"scheduled|reserved|confirmed|dispatched|reactivated|cleared|paused|swapped|replaced|switched|generated|"
    r"activated|repaired|released|approved|unblocked|paid|set up|sorted|done|made|put through|resolved|delivered|"
    r"collected|packed|printed|signed|attached|created|rescheduled|rebooked|reissued|resent)"
)

LEXICONS: dict[str, list[Cue]] = {
    "warm": _cues(
        ("greeting", r"^\s*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b", True),
        ("glad", r"\b(?:happy|glad|delighted|pleased) to (?:help|hear|sort|look|get|explain|say)\b", True),
        ("thanks_much", r"\bthank(?:s| you) (?:so|very) much\b|\bmany thanks\b|\bthanks a (?:lot|million)\b", True),
        ("thanks_for", r"\bthank(?:s| you) for (?:letting|getting|reaching|your patience|bearing|the|telling|flagging|sending|writing|being|taking|choosing|your message|your lovely)", True),
        ("lovely", r"\b(?:lovely|great|wonderful|nice|good) to hear from you\b|\blovely\b|\bwonderful\b|\bfantastic\b|\bbrilliant\b", True),
        ("signoff", r"\b(?:best wishes|warm(?:est)? (?:wishes|regards)|take care|have a (?:lovely|great|good|nice) (?:day|evening|weekend|week|trip|time)|all the best|speak soon|enjoy)\b", True),
        ("exclaim", r"[a-z]!", True),
        ("smile", r"[:;]-?\)|😊|🙂", True),
        ("cold_processed", r"\b(?:your (?:request|case|ticket|query|complaint) (?:has been|is|was) (?:processed|closed|noted|logged|received|registered|rejected))\b", False, "say what you did for them in your own words: 'I've sorted the refund for you'"),
        ("ticket_closed", r"\b(?:ticket|case) (?:is now |now |will be )?closed\b|\bclosing (?:this|the) (?:ticket|case)\b", False, "end with a friendly line instead of closing the case at them: 'Do write back if anything else comes up'"),
        ("be_advised", r"\b(?:please )?be advised\b|\bplease note that\b|\bkindly note\b|\bas per\b|\bper our\b|\bhereby\b", False, "instead of 'please be advised', just say it plainly and kindly"),
        ("sarcasm", r"\b(?:obviously|as I (?:already )?(?:said|explained|mentioned)|as (?:previously|already) (?:stated|explained|mentioned)|as clearly stated|for the (?:last|third|second) time)\b", False, "leave out 'as I already said': explain it again as if for the first time"),
        ("automated", r"\bthis is an automated\b|\bdo not reply to this\b|\bno further correspondence\b", False, "write as a person: 'I'm Sam and I'll look after this'"),
        ("noted", r"^\s*(?:noted|ok|received)\b[.,]", False, "open with their name and a friendly line instead of 'Noted.'"),
    ),
    "interested": _cues(
        ("question_to_understand", r"\b(?:could|can|would) you (?:tell|let) me (?:which|what|when|where|how|if|whether|the)\b|\bwhich (?:one|item|size|address|card|date|day|version|flight|room|product|page|model)\b|\bwhat (?:size|time|date|colour|model|version|address|error)\b", True),
        ("specific_ref", r"\b(?:order|invoice|booking|reference|ref|ticket|account|case|flight|room|item|parcel|tracking|policy|meter|card|contract|reservation|prescription)(?: number| no\.?)?:? ?#?[a-z]{0,4}-?\d{3,}\b", True),
        ("specific_number", r"(?:#|no\.?\s?)\s?\d{3,}|\b[A-Z]{2,4}-?\d{3,}\b|[£$€]\s?\d+(?:[.,]\d{2})?|\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b", True),
        ("generic_contact", r"\bthank(?:s| you) for contacting\b|\bthank you for your (?:email|message|enquiry|query|patience)\b|\bwe (?:have )?received your (?:email|message|request|query|enquiry)\b", False, "name what they told you instead of thanking them for 'contacting us'"),
        ("generic_look", r"\b(?:we|I)(?:'ll| will) (?:look into (?:it|this|the matter|your (?:issue|query|request))|investigate (?:this|the matter|further))\b|\bthe (?:matter|issue) (?:you (?:raised|reported|mentioned))\b", False, "instead of 'we will look into it', say what exactly you will check for them"),
        ("boilerplate", r"\bwe (?:really |do |truly |really do )?(?:appreciate|value) (?:it|you|your (?:feedback|patience|business|custom|message|email))\b|\b(?:satisfaction|you) (?:is|are) our (?:top |number one |highest )?priority\b|\bwe take (?:all|every|your) [a-z]+ (?:very )?seriously\b|\b(?:always )?here for you\b|\bvalued customers?\b|\bpride ourselves\b|\baround the clock\b|\b24/7\b|\bhope you(?:'re| are) (?:keeping )?well\b|\byour feedback (?:really )?matters\b|\bexperiencing (?:a )?(?:very )?high (?:demand|volumes?)\b|\bbear with us\b", False, "say something about their situation: a line that would fit any customer tells them nothing"),
        ("generic_rule", r"\b(?:customers|guests|passengers|members|residents|users|tenants|policyholders|cardholders|travellers|subscribers|clients|patients|students) (?:are|must|should|may|can|will|who|need)\b|\ball (?:claims|orders|bookings|requests|complaints|refunds|applications|products|items|changes|cancellations|returns) (?:are|must|will|come|require|need)\b|\bfor (?:a (?:number|variety) of|many|various) reasons\b|\b(?:a (?:range|number) of|many|various) factors\b|\b(?:can|may) (?:vary|change|differ)\b|\bsubject to (?:availability|change|our)\b|\b(?:please )?(?:refer to|see|check) (?:our|the) (?:website|faqs?|help|terms|policy|app|timetable|product|glossary|delivery information|planning portal)\b", False, "answer for this customer rather than for customers in general: say what happens to their order, booking or bill"),
        ("generic_words", r"\byour (?:issue|query|request|enquiry|concern|case|matter)\b|\bany (?:issue|issues|problems|questions)\b", False, "name their actual problem (the order, the item, the date) rather than 'your issue'"),
    ),
    "willing": _cues(
        ("did", r"\bI(?:'ve| have)(?: just| now| already)? (?:refunded|sent|arranged|booked|added|credited|cancell?ed|reset|updated|fixed|changed|ordered|raised|chased|spoken|called|rung|checked|asked|processed|issued|reissued|rebooked|moved|applied|removed|unlocked|restored|posted|emailed|passed|put|set up|upgraded|escalated|logged|extended|waived|reversed|corrected|resent|re-sent|scheduled|reserved|confirmed|found|tracked|traced|contacted|written|flagged|sorted|gone|replaced|switched|requested|marked|opened|attached|placed|dispatched|reactivated|refreshed|cleared|made)\b", True),
        ("did_other", r"\b(?:I|we)(?:'ve| have)(?: just| now| already| also)? (?!been\b|had\b|heard\b|noticed\b|seen\b|tried\b|received\b|got\b)[a-z]+ed\b", True),
        ("happening", r"\b(?:is|are) (?:now )?on (?:its|their|the) way\b|\bwill (?:arrive|be with you|reach you|be (?:back|delivered|refunded|credited) )", True),
        ("will", r"\bI(?:'ll| will)(?: personally| also| now| then| keep| make sure)? (?:refund|send|arrange|book|call|ring|phone|chase|check|update|write|email|get|follow|credit|replace|cancel|reset|fix|look|speak|contact|ask|keep|sort|make|come|post|let you|raise|text|pop|give|add|process|organise|confirm|reissue|reschedule|escalate|track|monitor|be in touch|investigate|push|personally)\b", True),
        ("weve", r"\bwe(?:'ve| have)(?: just| now| already)? (?:refunded|sent|arranged|booked|added|credited|cancell?ed|reset|updated|fixed|changed|dispatched|issued|processed|rebooked|replaced|reversed|waived|applied)\b|\bwe(?:'ll| will) (?:refund|send|credit|replace|redeliver|deliver|call|collect|reissue|rebook|waive|fix|restore)\b", True),
        ("done_passive", r"\b(?:(?:has|have|'s|'ve) been|(?:is|are|was|were|'s|'re) (?:now|already|just|all))(?: now| already| just| all| also)? " + DONE + r"\b(?! by (?:the|our|your) (?:relevant|appropriate))|(?:^|[.!?;]\s+|\n\s*)(?:(?!(?:can|cannot|can't|must|may|might|be|been|to|need|needs|not|will|should|would|are|is|were|was|you|it|that|this|they|he|she|we|i)\b)[a-z0-9£$€'()\-]+ ){1,6}" + DONE + r"\b(?= (?:to|for|from|on|and|by|with|today|now|just|this|into|in|at)\b|[.,;])", True),
        ("any_will", r"\b(?:I|we)(?:'ll| will)(?: \w+ly| also| now| then| just| still)? (?!need\b|have\b|be in touch|be able\b|look into|investigate|see\b|try\b|pass\b|forward\b|get back\b|update you when|let you know when|contact you when|review\b|consider\b|aim\b|endeavou?r\b)[a-z]+", True),
        ("third_party", r"\bour (?:[a-z]+ ){1,2}(?:(?:[A-Z][a-z]+ )|, [A-Z][a-z]+(?: [A-Z][a-z]+)?, )?(?:will (?:be with|call|ring|visit|come|collect|deliver|fit|fix|replace|bring|drop|arrive|swap|repair|move|finish)|is (?:going|coming|booked|on (?:the|his|her|their) way)|are (?:going|coming|booked))\b|\b(?:is|are|'s|'re) (?:already |now )?(?:booked (?:for|to|in|on)|on (?:his|her|their) way (?:to you|over|round|now)|coming (?:out|round|over|to you)|free (?:to come|this|today|tomorrow))\b|\b(?:is|are|'s|'re) [a-z]+ing (?:it|them|this|that|your [a-z]+) (?:now|right now|today|as we speak|this (?:morning|afternoon))\b", True),
        ("answer", r"(?:^|[.!?,:]\s*|\n\s*)(?:yes|yep|yeah|of course|absolutely|certainly|sure|done|we (?:certainly |definitely |do )?do|it is|you can|there is|there are)\b(?=[,.!:;—–-]|\s[—–-]| (?:it|you|we|they|that|there|the|and)\b)|\bhere(?:'s| is| are)\b", True),
        ("offer_me", r"\b(?:would you like|do you want|shall|should) (?:me|us|I|we) (?:to )?\b|\bwould it help if (?:I|we)\b|\bshall I\b|\bif you(?:'d)? (?:like|prefer|want),? (?:I|we)\b", True),
        ("by_when", r"\b(?:by|before|within|until) (?:(?:the )?end of (?:the )?(?:day|today|week|tomorrow)|tomorrow|tonight|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday|noon|midday|lunchtime|\d{1,2}(?::\d{2})?\s?(?:am|pm)|\d+ (?:working |business )?(?:hours?|days?|minutes?))\b|\b(?:this|tomorrow) (?:morning|afternoon|evening)\b|\btoday\b|\bright away\b|\bfirst thing\b", True),
        ("offer", r"\b(?:let me|I can|I'd be happy to|happy to|I'm going to|I am going to)\s+(?:refund|send|arrange|book|call|ring|chase|check|sort|credit|replace|reset|fix|organise|get|set|take|do|swap|extend|waive|cover|walk|talk|help|offer|add|change|move|look)\b", True),
        ("pass_on", r"\b(?:please |you(?:'ll| will)? (?:need|have) to |you should |you can |you may (?:wish to |want to )?)?(?:contact|call|ring|email|speak to|reach out to|get in touch with|talk to|take it up with|raise it with|ask) (?:the |your )?(?:courier|bank|manufacturer|carrier|airline|hotel|seller|retailer|provider|card issuer|post office|another team|other department|sales|the relevant|royal mail|dpd|evri|hermes|dhl|ups|fedex|shop|store|supplier|landlord|network|council)\b", False, "instead of 'please contact the courier', try 'I'll contact the courier for you and write back by 4pm'"),
        ("not_us", r"\b(?:(?:that|this|it)(?:'s| is) (?:not (?:something|anything) (?:we|I) (?:can|deal|handle)|(?:a matter )?for (?:the|another|a different) (?:team|department|courier)|another department|not our (?:department|responsibility|problem|area))|(?:outside|beyond) (?:our|my) (?:control|remit)|nothing (?:more )?(?:we|I) can do|(?:we|I) (?:can't|cannot|are unable to|am unable to) help(?: you)?(?: with)?|not our (?:fault|responsibility|problem))\b", False, "instead of 'that's another department', say 'I'll ask our accounts team and come back to you today'"),
        ("vague", r"\b(?:someone|somebody|a colleague|the team|a member of (?:the|our) team) will (?:be in touch|get back to you|contact you|look into)\b|\bin due course\b|\bas soon as possible\b|\bat (?:some|a later) (?:point|date|stage)\b|\bwe(?:'ll| will) (?:look into (?:it|this)|investigate|see what (?:we|I) can do)\b|\bpassed (?:it|this|your (?:query|request|message)) on\b", False, "replace 'we'll look into it' with what you will do and by when: 'I'll check with the depot and reply by 3pm'"),
        ("rule_deadline", r"\b(?:you(?:'ll| will)? (?:must|need to|have to|are required to)|must be [a-z]+ed)\b[^.!?]{0,60}\b(?:within|before|no later than|by)\b|\b(?:take|takes|can take) (?:up to )?\d+(?:-\d+)? (?:working |business )?(?:days|hours|weeks)\b", False, "instead of quoting a deadline or a waiting time at them, say what you will do and when: 'I'll log it today, and if you can send the photos by Friday I'll chase it myself'"),
        ("elsewhere", r"\b(?:the|our) (?:relevant|appropriate|right|correct) (?:teams?|department|person|people)\b|\b(?:our|the) (?:help ?cent(?:re|er)|faqs?|frequently asked questions|knowledge base|online help|self-service)\b|\b(?:is|are) (?:the|your|their|our|a) (?:[a-z]+(?:'s)? )?(?:responsibility|job|remit|area)\b|\bnot ours\b|\bnot liable\b|\b(?:handled|dealt with|decided|set|managed|fulfilled) by (?:our|the|a|their) (?:[a-z\-]+ ){0,2}(?:team|department|partner|company|provider|office)\b|\b(?:call|contact|ring|email|speak to|ask|see) (?:a|your|the|their) (?:own )?(?:[a-z]+ )?(?:locksmith|plumber|electrician|gp|doctor|insurer|broker|solicitor|bank|operator|airline|provider|manufacturer)\b|\bwith them directly\b", False, "instead of sending them elsewhere, say 'I'll contact them for you and write back by 4pm'"),
        ("refuse", r"\b(?:we|I) (?:can't|cannot|won't|will not|are unable to|am unable to|do not|don't) (?:refund|replace|offer|accept|change|cancel|send|provide|help|do|give|make|process|exchange|compensate)\b", False, "pair a refusal with what you can do: 'I can't refund this, but I can offer a replacement today'"),
    ),
    "positive": _cues(
        ("can_do", r"(?<!so )(?<!so that )(?<!as soon as )\b(?:you can|you'll be able to|I can(?! (?:see|hear|imagine|tell|understand|only)\b)|we can|good news|the good news|happy to|glad to|what I can do|the best (?:way|option)|you're all set|all sorted|that's (?:all )?(?:sorted|done|fixed))\b(?!['’]t|not\b)", True),
        ("can_be", r"\bcan (?:be|go|come) (?:[a-z]+ed|done|sent|paid|made|taken|given|set up|frozen|sold|shown|seen|on|back|out)\b|\b(?:is|are) (?:available|included|free|in stock|covered|welcome)\b|\b(?:no|at no) (?:extra )?(?:charge|cost)\b|\bfree of charge\b|\bno need to\b", True),
        ("will_happen", r"\b(?:is|are) (?:already |now )?(?:on (?:its|their|the) way|being [a-z]+ed|booked|due)\b|\bshould (?:arrive|be with|show|reach|reconnect|appear|be back)\b|\bgo(?:es)? out\b|\b(?:will (?:arrive|be (?:with you|back|ready|refunded|credited|delivered|fixed|sorted|there))|is on its way|on the way to you|arrives?)\b", True),
        ("cant", r"\b(?:(?:we|I) )?(?:can't(?! have been\b)|cannot|can not|unable to|not (?:able|possible|permitted|allowed)|impossible|won't be able|will not be able|no way|there is nothing|not an option)\b", False, "say what can be done instead: rather than 'we can't do that', try 'what I can do is…'"),
        ("policy", r"\b(?:(?:our|company|the) polic(?:y|ies)|(?:is|are) final\b|cannot be (?:changed|refunded|exchanged|transferred|made|done)|non-transferable|in accordance with|against (?:our |the )?(?:policy|rules)|terms and conditions|(?:not|non)[- ]refundable|no exceptions|strictly)\b", False, "explain what the rule lets you offer rather than quoting the policy at them"),
        ("blame", r"\b(?:you should have|you shouldn't have|you failed to|you did not|you didn't|you forgot|you neglected|your (?:own )?fault|(?:as|was) clearly (?:stated|shown|explained|marked)|you (?:were|are) (?:supposed|required) to|if you had (?:read|checked|followed)|user error|you entered (?:it )?(?:wrong|incorrectly)|you must have)\b", False, "leave out blame: instead of 'you should have checked', try 'next time, it helps to check'"),
        ("negative_words", r"\b(?:unfortunately|regrettably|sadly|denied|rejected|declined|refuse[sd]?|problem|fault|failure|wrong|mistake)\b", False, "lead with what will happen next rather than 'unfortunately'"),
        ("no_lead", r"(?:^|[.!?]\s+)(?:no[,.]|no, |nope)", False, "open with what is possible rather than 'No.'"),
    ),
    "empathy": _cues(
        ("hear_sorry", r"\b(?:(?:I'm|I am|we're|we are) (?:so |really |very |truly |terribly |genuinely )?sorry (?:to hear|that|you(?:'ve| have)?|about|this|it)|so sorry)\b", True),
        ("imagine", r"\b(?:I know (?:how|what|that must)|the last thing you (?:need|want|wanted)|I can (?:only )?imagine|I can (?:hear|see|tell|understand) (?:how|why|that)|I (?:completely |totally |fully )?understand (?:how|why|that|your)|that must (?:have been|be)|must (?:have been|be) (?:so |really |very )?(?:frustrating|stressful|worrying|upsetting|annoying|disappointing|awful|hard|difficult|a worry|a shock)|no wonder|(?:completely |totally |entirely )?understandable|I'd (?:feel|be) the same|in your shoes)\b", True),
        ("feeling_words", r"\b(?:alarming|heartbr(?:eaking|oken)|devastat\w*|distress\w*|irritat\w*|exhaust\w*|frighten\w*|daunting|maddening|panick?\w*|a lot to take in|never a nice|no fun|rubbish (?:start|day|week)|scar(?:y|ed)|nerve-?wracking|(?:a|such a) nightmare|miserable|exhausting|gutting|frustrat\w*|worr(?:y|ying|ied)|stress\w*|upset\w*|disappoint\w*|annoy\w*|awful|horrible|shock\w*|anxious|inconvenient timing|what a (?:pain|worry|nuisance|shame|hassle|day|week)|(?:last|third|second) time|let (?:you|down)|not (?:good enough|acceptable|the experience))\b", True),
        ("sorry_personal", r"\b(?:I'm|I am|I'm (?:so |really )?very|so) (?:so |really |very |truly |terribly |genuinely )?sorry\b(?! for (?:any|the) (?:inconvenience|trouble|disruption|delay))|\bsorry for your loss\b|\bcondolences\b|\bthinking of you\b|\bhope you(?:'re| are) (?:ok|okay|alright|all right|feeling better)\b", True),
        ("understand", r"\bI (?:completely |totally |fully |really |do )?(?:understand|get (?:it|why|that|how)|hear you)\b|\b(?:would|could) (?:make|drive) anyone\b", True),
        ("reassure", r"\b(?:completely |totally |perfectly |very )?(?:normal|natural) to (?:feel|be|worry|get)\b|\b(?:please )?don't (?:be|feel) (?:embarrassed|silly|bad|worried)\b|\bno need to (?:be embarrassed|apologi[sz]e|feel)\b|\b(?:you're|you are) (?:not|definitely not|absolutely not|not at all) (?:stupid|silly|bothering|a (?:nuisance|bother|pain))\b|\bnot (?:something you did|your fault)\b|\bhang in there\b|\bhope you(?:'re| are) (?:not feeling|feeling|doing) (?:too |any |a bit )?(?:rough|poorly|unwell|better|ok|okay)\b|\bfingers crossed\b", True),
        ("rotten_luck", r"\b(?:what|that's|that is|such) (?:a |an )?(?:rotten|rubbish|nasty|horrid|bad|tough|grim|sad|hard|awful|miserable|stressful|horrible) (?:luck|thing|start|end|surprise|time|day|week|way|experience|shock)\b|\bwhat (?:a|an) (?:letdown|let-down|mess|timing)\b|\bcan't have been (?:pleasant|easy|fun|nice)\b|\b(?:ugh|oh no)\b|\ba lot to (?:juggle|deal with|cope with|manage)\b", True),
        ("stock_sorry", r"\b(?:(?:we |I )?(?:apologi[sz]e|are sorry|am sorry|sorry) for (?:any|the) (?:inconvenience|trouble|disruption|delay|issues?)(?: (?:caused|this (?:may have|has) caused))?|we regret (?:any|the) inconvenience|sorry for the trouble|apologies for any inconvenience)\b", False, "instead of 'sorry for any inconvenience', name what they went through: 'I'm sorry the parcel missed the birthday'"),
    ),
    "polite": _cues(
        ("could_please", r"\b(?:could|would|can) you (?:please |kindly |possibly |just )?(?:send|tell|let|confirm|check|try|share|reply|attach|pop|give|take|forward|upload|provide|call|ring|return|click|fill|pick|choose|pass|describe|drop)\b", True),
        ("would_mind", r"\bwould you (?:mind|be able to|be so kind)\b|\bif you (?:could|wouldn't mind|don't mind|get a chance|have a (?:moment|minute|second))\b|\bwhen you (?:have|get) a (?:moment|minute|chance|second)\b|\bwhenever (?:it )?suits\b|\bat your convenience\b|\bif (?:it's|it is) (?:easier|possible|not too much)\b", True),
        ("please", r"\bplease\b(?! be advised| note\b)", True),
        ("thanks_in_advance", r"\bthank(?:s| you)(?: so much)? in advance\b|\bthat would be (?:great|brilliant|lovely|really helpful|a big help)\b|\bthat'd be (?:great|brilliant|lovely)\b", True),
        ("must", r"\byou (?:must|need to|have to|are required to|will need to|'ll need to|are obliged to|should)\b|\byou'll need to\b", False, "instead of 'you must send', try 'could you please send'"),
        ("pressure", r"\b(?:failure to|otherwise|or (?:else|we will|your (?:account|order|booking) will)|immediately|asap|without delay|no later than|at once|mandatory|it is your responsibility)\b", False, "drop the pressure: say why it helps and by when, e.g. 'if you could send it by Friday, I can get it moving'"),
        ("bare_order", r"(?:^|[.!?]\s+|\n\s*)(?:send|provide|reply|attach|forward|fill in|upload|return|resubmit|call|ring|include|give|supply|enter|state|confirm|check|make sure)\b", False, "ask rather than tell: instead of 'Send the photo', try 'Could you send the photo?'"),
        ("send_us", r"\bsend (?:us|me) (?:the|a|your)\b", False, "instead of 'send us the receipt', try 'could you send us the receipt?'"),
    ),
}

# Behaviours only words can show: with none of their helping cues in the reply, they are not there.
NEEDS_WORDS = {"empathy"}

# A request to the customer: an action they are asked to take, or a question to answer.
IMPERATIVE = (
    r"send|provide|reply|attach|forward|fill in|upload|return|resubmit|include|supply|enter|state|confirm|"
    r"make sure|ensure|try|restart|reinstall|install|clear|check|bring|pop|take|log in|sign|select|go|use|"
    r"contact|reset|report|submit|book|do not|don't|stop|refer|write|add|call|ring|allow|wait|register|visit|"
    r"remove|read|email|phone|complete|pay|resend|update|choose|tick|click|open|print|pack|drop|keep an eye"
)
# A request to the customer: an action they are asked to take, or a question to answer.
REQUEST = re.compile(
    r"\b(?:could|would|can|will|shall) (?:you|I|we)\b[^.!?]*\?|\b(?:could|would|can) you\b"
    r"|\byou(?:'ll| will)? (?:must|need to|have to|are required to|may wish to|may want to)\b"
    r"|\byou should (?!have\b|see\b|receive\b|get\b|hear\b|be\b|find\b|now\b|'ve\b)"
    r"|\b(?:must|should) be (?:made|paid|requested|reported|submitted|returned|sent|received|booked|completed)\b"
    r"|\bplease (?!be advised|don't worry|do not worry|try not to (?:worry|panic)|note\b|accept\b)[a-z]+"
    r"|\bwhen you (?:have|get) a (?:moment|minute|chance)\b|\bif you (?:could|wouldn't mind|don't mind)\b"
    r"|\blet (?:me|us) know (?:which|what|when|where|how|whether|the|your|if (?:you(?:'d)? (?:prefer|like|want)|that|this))"
    r"|(?:^|[.!?]\s+|\n\s*)(?:" + IMPERATIVE + r")\b(?! you\b| care\b)"
    r"|\bsend (?:us|me)\b|[^.!?\n]*\?",
    re.IGNORECASE | re.MULTILINE,
)
# Questions that offer help rather than ask for an action make no request; nor do reassurances.
OFFER_QUESTION = re.compile(
    r"\b(?:anything else|any other questions|is there (?:anything|something) else|can I help with anything|"
    r"what else can I)\b",
    re.IGNORECASE,
)
NOT_A_REQUEST = re.compile(
    r"\bif you (?:have|need) (?:any|anything)\b|"
    r"\blet (?:me|us) know if (?:you (?:have|need)|there'?s|anything|it (?:doesn'?t|does not|hasn't|still))|"
    r"\bnothing (?:more |else )?(?:you need to|to do)\b|\byou don't need to do\b|\bno need to\b",
    re.IGNORECASE,
)

GREETING_NAME = re.compile(r"^\s*(?:[Hh]i|[Hh]ello|[Hh]ey|[Dd]ear|[Gg]ood (?:morning|afternoon|evening))\s+" + NAME)
SIGNED = re.compile(r"\n\s*(?:[-–]\s*)?" + NAME + r"\s*$|(?:[Bb]est|[Tt]hanks|[Rr]egards|[Cc]heers|[Ww]ishes|[Cc]are),?\s*\n?\s*" + NAME + r"\s*$")
FIRST_PERSON = re.compile(r"\bI\b|\bI'(?:m|ll|ve|d)\b|\bme\b|\bmy\b")
FEELING_IN_MESSAGE = re.compile(
    r"\b(?:upset|angry|furious|annoyed|frustrat\w*|disappointed|worried|stress\w*|anxious|ridiculous|"
    r"unacceptable|fed up|sick of|third time|again|still|awful|terrible|useless|disgusted|gutted|panic\w*|"
    r"birthday|wedding|funeral|hospital|urgent|desperate|shame|joke|never|sad|scared|ill|poorly|baby|"
    r"holiday|late|missing|ruined|!{1,})",
    re.IGNORECASE,
)


# A stock acknowledgement that repeats the customer's words back ("Thank you for your message regarding your
# oak chest", "Sorry to hear your parcel hasn't turned up"): words shared in that sentence show no interest.
ECHO = re.compile(
    r"\b(?:thank(?:s| you)(?: so much)? for (?:your (?:message|email|enquiry|query|feedback|complaint|letter)|"
    r"getting in touch|contacting us|reaching out|letting us know|telling us|taking the time to tell us)|"
    r"we(?:'re| are) (?:very |so |really )?sorry (?:to hear|that|you)|sorry to hear|"
    r"we acknowledge|in relation to|with regard to|regarding)\b",
    re.IGNORECASE,
)


def echo_sentences(reply: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of the reply that is a stock acknowledgement (ECHO)."""
    return [(start, end) for start, end, sentence in textlib.sentences(reply) if ECHO.search(sentence)]


def without_echo(reply: str) -> str:
    """The reply with its stock acknowledgements left out: what it says beyond repeating the customer."""
    parts, last = [], 0
    for start, end in echo_sentences(reply):
        parts.append(reply[last:start])
        last = end
    return " ".join(parts) + " " + reply[last:]


# Names written with a capital inside a sentence or after a greeting: people, places, products, days.
NAMES = re.compile(r"(?<=[a-z,] )[A-Z][a-z]+(?: [A-Z][a-z]+)*")


@dataclass
class Span:
    start: int
    end: int
    text: str
    helps: bool
    cue: str

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text, "effect": "helped" if self.helps else "hurt"}


def matches(reply: str, behaviour: str, lowered: str | None = None) -> list[tuple[Cue, Span]]:
    """Every cue of the behaviour found in the reply. `lowered`: reply.lower(), if the caller has it."""
    lowered = reply.lower() if lowered is None else lowered
    same_offsets = len(lowered) == len(reply)  # lower() lengthens a few characters (İ): then match as written
    found = []
    for cue in LEXICONS[behaviour]:
        for match in (cue.lower.finditer(lowered) if same_offsets else cue.pattern.finditer(reply)):
            if match.end() > match.start():
                span = Span(match.start(), match.end(), reply[match.start() : match.end()], cue.helps, cue.name)
                found.append((cue, span))
    return found


def _request_sentences(reply: str):
    for start, end, sentence in textlib.sentences(reply):
        if sentence.rstrip().endswith("?") and OFFER_QUESTION.search(sentence):
            continue
        if REQUEST.search(NOT_A_REQUEST.sub(lambda m: "~" * len(m.group(0)), sentence)):
            yield start, end


def is_request(reply: str) -> bool:
    """Does the reply ask the customer to do or answer something? (polite is null when it does not)."""
    return next(_request_sentences(reply), None) is not None


def request_spans(reply: str) -> list[Span]:
    return [Span(start, end, reply[start:end], True, "request") for start, end in _request_sentences(reply)]


def _bucket(value: float, edges: tuple) -> str:
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f">{edges[-1]}"


# Positive language is also what will happen and who does it (willing's cues), friendliness (warm's) and
# the absence of orders (polite's): its model reads those cues as well.
# Only the cues whose meaning carries over: all of willing's, warm's friendly ones, polite's orders, and
# interested's generic lines (a reply that would fit anyone says nothing of what can be done).
ALSO_READS = {
    "positive": {"willing": None, "warm": True, "polite": False, "interested": False},
    # A reply that answers or acts on this customer's request ("Yes, dogs travel free…", "I've refunded the
    # £12") takes up their need even when it shares few of their words (+0.015 mean F1 across four authors).
    "interested": {"willing": True},
}

# Families: cues that say the same thing in different ways also count as one feature, so what the
# weights learn from one way of saying it (I've booked) carries over to another (Engineer booked for
# Thursday) that a training set happens to use less.
FAMILIES = {
    "willing": {
        "owns": ("did", "did_other", "done_passive", "will", "any_will", "weve", "happening", "third_party", "offer", "offer_me", "answer"),
        "sends_elsewhere": ("pass_on", "not_us", "elsewhere", "vague", "refuse", "rule_deadline"),
    },
    "positive": {
        "can": ("can_do", "can_be", "will_happen"),
        "cannot": ("cant", "policy", "blame", "negative_words", "no_lead"),
    },
}

# How much the word n-grams count (0: left out), and whether reply length is a feature: chosen by
# cross-validation (docs/quality.md).
NGRAMS = 0.0
LENGTH = True


def features(
    reply: str, customer_message: str, behaviour: str, found: list[tuple[Cue, Span]], found_elsewhere: dict | None = None
) -> dict[str, float]:
    """The behaviour's model inputs: one per cue (count, capped), structural cues, and word n-grams."""
    feats: dict[str, float] = {"bias": 1.0}
    for cue, _span in found:
        key = f"cue:{cue.name}"
        feats[key] = min(feats.get(key, 0.0) + 1.0, 3.0)
    for family, members in FAMILIES.get(behaviour, {}).items():
        count = sum(1 for cue, _span in found if cue.name in members)
        if count:
            feats[f"family:{family}"] = min(count, 3.0)
    for other, helping in ALSO_READS.get(behaviour, {}).items():
        for cue, _span in (found_elsewhere or {}).get(other) or matches(reply, other):
            if helping is not None and cue.helps is not helping:
                continue
            key = f"{other}:{cue.name}"
            feats[key] = min(feats.get(key, 0.0) + 1.0, 3.0)
    reply_words = textlib.words(reply)
    if LENGTH:
        feats[f"len:{_bucket(len(reply_words), (8, 20, 45, 90))}"] = 1.0
    if behaviour == "warm":
        if GREETING_NAME.search(reply):
            feats["greeting_name"] = 1.0
        if SIGNED.search(reply.rstrip()):
            feats["signed"] = 1.0
        feats["first_person"] = min(len(FIRST_PERSON.findall(reply)), 4) / 4
    elif behaviour == "interested":
        asked = textlib.content_stems(customer_message)
        said = textlib.content_stems(reply)
        shared = asked & said
        feats["has_message"] = 1.0 if asked else 0.0
        feats["shared"] = min(len(shared), 6) / 6
        feats[f"shared_n:{_bucket(len(shared), (0, 1, 2, 4))}"] = 1.0
        if asked:
            feats["shared_ratio"] = len(shared) / len(asked)
        feats["specific_words"] = min(len(said), 20) / 20
        feats["asks_question"] = 1.0 if "?" in reply else 0.0
        # Words shared only inside a stock acknowledgement ("thanks for your message about your oak chest")
        # show no interest: what counts is what the rest of the reply takes up.
        engaged = asked & textlib.content_stems(without_echo(reply)) if asked else frozenset()
        feats[f"engaged_n:{_bucket(len(engaged), (0, 1, 2, 4))}"] = 1.0
        if len(engaged) < len(shared):
            feats["echo_only"] = (len(shared) - len(engaged)) / len(shared)
        # Names only this case has: people (the customer's own in a greeting too), places, products, days.
        # (Numbers, amounts and references are specific_number and specific_ref; counting every number
        # again, "3-5 working days" included, helped one author's replies and hurt another's.)
        feats[f"names_n:{_bucket(len(NAMES.findall(reply)), (0, 1, 3))}"] = 1.0
    elif behaviour == "willing":
        feats["first_person"] = min(len(FIRST_PERSON.findall(reply)), 4) / 4
    elif behaviour == "empathy":
        feats["feeling_in_message"] = 1.0 if FEELING_IN_MESSAGE.search(customer_message) else 0.0
    elif behaviour == "polite":
        feats["questions"] = min(reply.count("?"), 3) / 3
    # Word unigrams and bigrams, weakly weighted: they carry what the lexicons miss, but the lexicons
    # and structure should decide, or the model would learn the training set's wording by heart.
    if NGRAMS:
        previous = "<s>"
        for word in reply_words:
            feats[f"w:{word}"] = NGRAMS
            feats[f"b:{previous}_{word}"] = NGRAMS
            previous = word
    return feats


def spans_for(reply: str, customer_message: str, behaviour: str, found: list[tuple[Cue, Span]]) -> list[Span]:
    spans = [span for _cue, span in found if span.cue not in ("exclaim", "smile")]
    if behaviour == "warm":
        match = GREETING_NAME.search(reply)
        if match:
            spans.append(Span(match.start(), match.end(), match.group(0), True, "greeting_name"))
    if behaviour == "interested" and customer_message:
        shared = textlib.content_stems(customer_message)
        # Words only repeated back in a stock acknowledgement did not help (features(): engaged_n).
        echoed = echo_sentences(reply)
        for match in textlib.WORD.finditer(reply):
            word = match.group(0).lower().replace("’", "'")
            if word in textlib.STOPWORDS or any(start <= match.start() < end for start, end in echoed):
                continue
            if textlib.stem(word) in shared:
                spans.append(Span(match.start(), match.end(), match.group(0), True, "shared"))
    # Keep the longest span where two overlap, in reading order.
    spans.sort(key=lambda span: (span.start, -(span.end - span.start)))
    kept: list[Span] = []
    for span in spans:
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept
