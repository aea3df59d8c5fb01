"""The words around a conversation's core: greetings, sign-offs, chasers, hand-off reasons, notes."""

AGENT_GREETINGS = ("Hi {first_name},", "Hello {first_name},", "Dear {first_name},", "Hi {first_name},")
AGENT_SIGN_OFFS = (
    "Best wishes,\n{agent}",
    "Kind regards,\n{agent}\nFresh Basket Customer Care",
    "Thanks,\n{agent}",
    "All the best,\n{agent}\nFresh Basket",
    "Many thanks,\n{agent}",
)
CUSTOMER_SIGN_OFFS = (
    "Thanks,\n{sign}", "{sign}", "Regards,\n{sign}", "Cheers,\n{sign}", "", "Many thanks\n{sign}",
)

THANKS = (
    "Thanks so much, that's sorted it.",
    "Brilliant, thank you for your help.",
    "Thank you, much appreciated.",
    "That's great, thanks for being so quick.",
    "Lovely, thank you.",
    "OK, thanks for sorting it out.",
)

# The customer chases; the agent answers while the issue is still being worked on.
CHASERS = (
    "Any update on this? I haven't heard anything for a couple of days.",
    "Just checking in. Is anyone looking at this?",
    "Hello? Still waiting to hear back.",
    "Could I get an update please? This is taking a while.",
)
UPDATES = (
    "Thanks for your patience. I'm still waiting to hear back, and I chased again this morning. I'll "
    "update you by the end of tomorrow at the latest.",
    "Sorry for the silence. I've been checking this with the people who can fix it, and I expect an answer "
    "today. I haven't forgotten you.",
    "I'm sorry it's taking longer than it should. I've been promised an answer within two working days, "
    "and I'll be in touch then either way.",
)

# After a solved ticket: the same trouble again, so it reopens.
REOPENINGS = (
    "Sorry to come back to this, but it's happened again with this week's order.",
    "I thought this was sorted but I've just checked and nothing has changed.",
    "Hi again. The problem is back, I'm afraid.",
    "Afraid this isn't fixed. Can you take another look?",
)
REOPEN_REPLIES = (
    "I'm sorry it's happened again. I've looked into it properly this time and found the cause: the note "
    "we added to your account wasn't reaching the store's system. That's fixed now, and I'll check your "
    "next order myself.",
    "Thanks for telling us, and sorry we didn't get it right the first time. I've escalated this to the "
    "store manager, and I've added a {credit} credit to your account.",
)

# A customer who writes twice about the same thing, before the first was answered.
DUPLICATE_OPENINGS = (
    "I sent a message about this earlier and haven't heard back, so trying again.",
    "Sorry if this is a duplicate. I'm not sure my first email went through.",
    "Writing again via the website as I haven't had a reply to my email.",
)

# Why a ticket moves to a team: the new owner reads this first.
TRANSFER_REASONS = {
    "Billing": (
        "This is a billing question: over to Billing.",
        "Billing owns payments, refunds and accounts; passing it on.",
        "Needs someone with access to payments.",
    ),
    "Deliveries": (
        "This is about the delivery itself: over to Deliveries.",
        "Deliveries can check this with the depot.",
        "Needs the depot's side of the story, which Deliveries can get.",
    ),
    "Product & Quality": (
        "This is about the products themselves: over to Product & Quality.",
        "P&Q handles product, supplier and app questions.",
        "Needs someone who can check with the store and the supplier.",
    ),
}
# Hand-offs on a ticket nobody wants to own: plausible each time, wrong all the same.
MISROUTED_REASONS = (
    "Not sure this is ours; {team} may know.",
    "Looks like a {team} question to me.",
    "Customer mentions their order, so {team} should take it.",
    "Outside my area; passing to {team}.",
    "We can't action this here; back to {team}.",
)
# What an agent tells the customer when passing the ticket to another team.
HOLDING_REPLIES = (
    "Thanks for getting in touch. This one needs our {team} team, so I've passed it to them with all the "
    "details, and they'll reply to you directly.",
    "Thank you for your message. I've handed this to our {team} team, who can sort it out properly. "
    "You don't need to explain it again; they have everything you've told us.",
)

# Why a ticket moves between agents of one team.
HANDOVER_REASONS = (
    "I'm on leave from tomorrow; handing over so the customer isn't left waiting.",
    "{to} dealt with this customer's last complaint and knows the history.",
    "{to} is the team's specialist for business accounts.",
    "Rebalancing the queue: I have too many open tickets this week.",
)
# Said by a customer who has been passed around.
RUNAROUND_COMPLAINTS = (
    "I've now been passed between three different departments and nobody has actually answered my "
    "question. Can one person please take ownership of this?",
    "This is the third person I've dealt with. Each one tells me it's someone else's job.",
    "Why do I keep getting emails from different teams? I just want this sorted.",
)
RUNAROUND_APOLOGIES = (
    "You're absolutely right, and I'm sorry you've been passed around. I'm taking ownership of this "
    "myself and will see it through to the end; you'll only hear from me from now on.",
    "I'm sorry. You shouldn't have had to explain this more than once. This is mine now, and I'll stay "
    "with it until it's resolved.",
)
RUNAROUND_NOTES = (
    "Run-around: {handoffs} hand-offs on this ticket. Whoever has it keeps it; ask, don't transfer.",
    "Reviewed in team huddle: this bounced between teams because nobody took ownership at the start.",
)

# Phone calls logged by an agent: the agent writes the customer's words down.
PHONE_PREFIXES = (
    "Customer called. In their words:", "Phone call. What the customer told me:", "Took a call:",
)

# Notes any ticket may get.
GENERAL_NOTES = (
    "Customer sounded very upset on the phone earlier; please handle gently.",
    "Long-standing customer, orders weekly. Worth a goodwill gesture.",
    "Checked order history: first problem in two years of orders.",
    "Left a voicemail as well as emailing.",
    "Customer prefers email; don't call during working hours.",
    "Goodwill credit applied within my budget.",
)
