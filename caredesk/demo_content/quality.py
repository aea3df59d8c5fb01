"""Conversations Product & Quality has: what was in the bags, allergens, suppliers, and the app."""

from .scenario import Scenario, Thread

TEAM = "Product & Quality"

SCENARIOS = (
    Scenario(
        key="damaged-eggs",
        team=TEAM,
        tags=("damaged", "refund"),
        weight=16,
        priorities=(5, 75, 18, 2),
        subjects=("Eggs arrived smashed", "Broken eggs again", "Damaged items in my delivery"),
        openings=(
            "Half the eggs in today's delivery were cracked and there was egg all over the {product}. Order "
            "{order}. Not the first time either.",
            "The eggs were packed underneath the {product} and most of them were broken. Can I get a refund?",
            "Every week the eggs come broken. This week it was four out of twelve. Can the pickers pack them "
            "on top please?",
        ),
        threads=(
            Thread(
                reply="I'm sorry, that's not how your shopping should arrive. I've refunded the eggs, and "
                      "you'll see the money in {refund_days}. I've also added a packing note to your account "
                      "so eggs always go in their own bag, on top.",
                turns=(
                    ("Thanks. Could you also send a replacement box with my next order?",
                     "Of course: a free box of free-range eggs will come with your next order; it's already "
                     "on the order as a £0.00 item."),
                    ("Thank you, the packing note is a good idea.",
                     "Thanks for your patience. I'll check the packing photo on your next order myself."),
                ),
            ),
            Thread(
                reply="Sorry about the mess. I've refunded the eggs, and I've reported the packing to the "
                      "store manager with your order number, so the picker who packed it can be shown how to "
                      "do it properly.",
                turns=(("Appreciated. Fingers crossed next week is better.",
                        "I've added a packing note to your account as well, so it should be. Thanks for "
                        "letting us know."),),
            ),
        ),
        notes=(
            "Third egg complaint from this store in a week. Raised with the picking team lead.",
            "Packing note added: 'Eggs in a separate bag, on top, please.'",
        ),
    ),
    Scenario(
        key="missing-item",
        team=TEAM,
        tags=("missing-item", "refund"),
        weight=18,
        priorities=(5, 75, 18, 2),
        subjects=("Item missing from my "
                  "order", "No {product} in my delivery", "Paid for {product}, didn't get {it}"),
        openings=(
            "My order arrived but the {product} {was}n't in it, even though I was charged {line_total}. "
            "Order {order}.",
            "There's no {product} in my shopping, and nothing on the substitutions list either. Looks like "
            "somebody forgot.",
            "I'm missing {quantity} x {product} from today's delivery. Could you refund me, or send {it} "
            "next time?",
        ),
        threads=(
            Thread(
                reply="I'm sorry. The {product} {was} scanned as packed, but it looks like {they} never made "
                      "it into a bag. I've refunded {line_total} to your card, and you'll see it in "
                      "{refund_days}.",
                turns=(
                    ("Thanks, a refund is fine.", "You're welcome, and sorry again."),
                    ("The refund was only for one, but I ordered {quantity}.",
                     "Thank you for spotting that, you're right. I've refunded the rest, so you've now had "
                     "{line_total} back in total."),
                ),
            ),
            Thread(
                reply="Sorry about that. I've checked with the store, and the {product} {was} left in the "
                      "picking tray. I've refunded {it}, and if you'd like, I can put the same again on your "
                      "next order free of charge.",
                turns=(("Yes please, add {it} to {tomorrow}'s "
                        "order.", "Done: {it}'s on your next order at no "
                        "charge."),),
            ),
        ),
        notes=("Store confirms {product} found in the picking tray after the van left.",),
    ),
    Scenario(
        key="substitution-complaint",
        team=TEAM,
        tags=("substitution",),
        weight=14,
        priorities=(10, 75, 15, 0),
        subjects=("Ridiculous substitution", "Why {was} my {product} substituted?", "Unwanted substitutes"),
        openings=(
            "I ordered {product} and got {substitute} instead. That's not a substitute, it's a completely "
            "different thing! I told the driver I didn't want it but he'd already gone.",
            "Three substitutions this week, and one of them was {substitute} instead of {product}. My "
            "daughter won't touch it. Please make sure this doesn't happen.",
        ),
        threads=(
            Thread(
                reply="I'm sorry about this. I've refunded the {substitute}, and there's no need to send "
                      "anything back. I've also turned on 'check with me before substituting' on your "
                      "account, so the picker will text you for an OK before swapping anything.",
                turns=(
                    ("Thanks. Will the text come before the driver leaves?",
                     "Yes: the picker texts while your order is being packed, usually the evening before, "
                     "and you have 30 minutes to reply."),
                    ("OK. I'd still like the {product} if possible.",
                     "The {product} {is} back in stock from {tomorrow}. I've added {it} to your next order "
                     "at no charge."),
                ),
            ),
            Thread(
                subjects=("Substituted despite 'no substitutions'",),
                openings=(
                    "I've ticked 'no substitutions' on my account and I still got {substitute} instead of "
                    "the {product}.",
                ),
                reply="Thank you for letting us know. Your 'no substitutions' setting was saved, but the "
                      "store's picking system didn't pick it up because of a fault. It's been fixed, and "
                      "I've refunded the {substitute}.",
                turns=(("Thanks. Glad it wasn't just me.", "Not at all, and sorry for the trouble."),),
            ),
        ),
        notes=("Store's picking handsets didn't sync the substitution preference. IT ticket raised.",),
    ),
    Scenario(
        key="allergy-question",
        team=TEAM,
        products="bakery",
        tags=("allergens",),
        weight=8,
        priorities=(0, 40, 50, 10),
        subjects=("Allergy question", "Does this contain {allergen}?", "Allergen information missing"),
        openings=(
            "My son has a severe {allergen} allergy. Your website doesn't list allergens for the {product}. "
            "Would {they} be safe for him?",
            "Can you confirm whether the {product} {is} made in a factory that also handles {allergen}? The "
            "packaging says 'may contain' but the website doesn't.",
        ),
        threads=(
            Thread(
                reply="Thank you for checking before eating it; that's exactly right. I've asked the "
                      "supplier for the current allergen sheet for the {product} and I'll reply as soon as I "
                      "have it, today if possible. Until then, please go by the packaging, not the website.",
                turns=(("Thank you for taking it seriously. Please let me know what they say.",
                        "The supplier's sheet is back: the {product} {has} no {allergen} in {it} and {is} "
                        "made in a {allergen}-free factory. I've emailed you the sheet and updated the "
                        "website."),),
                waits=True,
            ),
            Thread(
                reply="Thanks for asking. The supplier confirms the {product} {is} made on a line that also "
                      "handles {allergen}, so the pack is labelled 'may contain'. Our website should have "
                      "said so, and I've asked for it to be corrected today.",
                turns=(("That's worrying. How many other products have the wrong information?",
                        "Good question. We're checking every product from that supplier against their latest "
                        "allergen sheets this week, and I'll email you when it's done."),),
            ),
        ),
        notes=(
            "Emailed supplier QA for the current allergen declaration. Chased by phone at 15:00.",
            "Website listing corrected by the content team. Wider audit of supplier listings opened.",
        ),
    ),
    Scenario(
        key="short-dates",
        team=TEAM,
        tags=("freshness",),
        weight=8,
        products="chilled",
        priorities=(10, 80, 10, 0),
        subjects=("Use-by date too "
                  "short", "Food going off the day after delivery", "Short dates on chilled food"),
        openings=(
            "The {product} delivered today {has} a use-by date of tomorrow. Your website promises at least "
            "three days. I plan meals for the week and can't use it in time.",
            "Everything chilled in my order this week was on its last day: milk, yoghurt, {product}. Are you "
            "clearing old stock on delivery customers?",
        ),
        threads=(
            Thread(
                reply="Sorry. We promise at least three days on chilled food, and you're right that these "
                      "fell short. I've refunded them, and asked the store's fresh-food manager to look into "
                      "how they were picked.",
                turns=(("Thank you. I hope it doesn't happen again.",
                        "The store found a new picker had been taking stock from the front of the shelf. "
                        "They've been retrained. Thanks for telling us."),),
                waits=True,
            ),
        ),
    ),
    Scenario(
        key="mouldy-produce",
        team=TEAM,
        tags=("freshness", "refund"),
        weight=9,
        products="fresh",
        priorities=(5, 75, 20, 0),
        subjects=("Mouldy food in my delivery", "Food gone off before its date", "My {product} had gone off"),
        openings=(
            "The {product} I received today {was} mouldy, and the use-by date is next week, so it's not my "
            "fridge!",
            "The {product} {was} mouldy underneath and already soft. Order {order}. Really disappointing.",
            "I opened the {product} and the smell was awful, even though the date is fine. I've kept the "
            "packaging in case you need to see it.",
        ),
        threads=(
            Thread(
                reply="I'm sorry, that's horrible to find. I've refunded the {product} and reported the "
                      "batch to the supplier's quality team, with your order number so they can trace it.",
                turns=(("Thanks for the refund.", "You're welcome. Sorry again."),),
            ),
            Thread(
                reply="I'm sorry. Could you send a photo of the label, especially the batch code? That lets "
                      "the supplier check the rest of the batch. I've refunded the {product} in the "
                      "meantime.",
                turns=(("The batch code on the label is L{order2}, and I've taken a photo if you need it.",
                        "Thank you, the code is enough. The supplier found a problem with a chiller at their "
                        "packing site and has withdrawn that batch from all stores. Your message helped them "
                        "find it."),),
                waits=True,
            ),
        ),
        notes=("Batch reported to supplier QA via the portal. Ref QA-{order2}.",),
    ),
    Scenario(
        key="wrong-item",
        team=TEAM,
        tags=("wrong-item",),
        weight=8,
        priorities=(10, 75, 15, 0),
        subjects=("Wrong item "
                  "delivered", "Received someone else's shopping?", "Got {product2} instead of {product}"),
        openings=(),
        threads=(
            Thread(
                subjects=("Wrong item delivered", "Got {product2} instead of {product}"),
                openings=(
                    "I ordered {product} but received {product2}. It's not on my receipt as a substitute, so "
                    "I think the picker just grabbed the wrong thing.",
                ),
                reply="Sorry about that. I've refunded the {product}, and please keep the {product2} with "
                      "our apologies.",
                turns=(("That's fine, thank you.", "You're welcome, enjoy your shopping."),),
            ),
            Thread(
                subjects=("Received someone else's shopping?", "Wrong bag delivered"),
                openings=(
                    "One of my bags is somebody else's shopping! Nappies and baby food, and we don't have a "
                    "baby. My bag with the {product} is missing.",
                ),
                reply="Thank you for letting us know, and sorry. Two bags were swapped between neighbouring "
                      "orders. The driver can collect the other bag and bring yours this afternoon. Would "
                      "that work?",
                turns=(("Yes, after 2pm please.",
                        "All arranged for after 2pm. I've also refunded your delivery charge."),),
            ),
        ),
    ),
    Scenario(
        key="product-request",
        team=TEAM,
        tags=("product-request",),
        weight=6,
        priorities=(60, 40, 0, 0),
        short=True,
        subjects=("Can you stock this?", "Product suggestion", "Bring back {product}"),
        openings=(),
        threads=(
            Thread(
                subjects=("Can you stock this?", "Product suggestion"),
                openings=(
                    "Could you stock more vegan options? The vegan sausages are great but there isn't much "
                    "else.",
                    "Any chance of stocking local honey? There's a farm ten minutes from your depot.",
                ),
                reply="Thanks for the suggestion; customer requests like yours are how the buyers decide "
                      "what to add. I've passed it on to the buying team, and you'll hear from us if it's "
                      "added.",
                turns=(("Thanks!", "Thanks again for taking the time to write."),),
            ),
            Thread(
                subjects=("Bring back {product}",),
                openings=("The {product} I always bought {has} disappeared from the website. Will {they} be "
                          "coming back?",),
                reply="Thank you for asking. The {product} {was} discontinued by the supplier, but the "
                      "buyers are looking for a replacement. I've added your vote.",
                turns=(("Great, thanks for passing it on.", "You're welcome."),),
            ),
        ),
    ),
    Scenario(
        key="packaging-feedback",
        team=TEAM,
        tags=("packaging", "sustainability"),
        weight=5,
        products="produce",
        priorities=(50, 50, 0, 0),
        short=True,
        subjects=("Too much plastic", "Packaging feedback", "Why is fruit wrapped in plastic?"),
        openings=(
            "Why is everything wrapped twice? The {product} came in a plastic tray and then another plastic "
            "bag.",
            "Could you offer loose fruit and veg? Everything comes wrapped and it's not needed.",
        ),
        threads=(
            Thread(
                reply="Thank you, we agree. The packaging team is moving fruit and veg to card and loose "
                      "options this year. I've passed your comments on, because customer feedback helps them "
                      "persuade suppliers.",
                turns=(("Glad to hear it, thanks.", "Thanks for caring about it as much as we do."),),
            ),
        ),
    ),
    Scenario(
        key="foreign-object",
        team=TEAM,
        tags=("food-safety",),
        weight=3,
        priorities=(0, 10, 40, 50),
        subjects=("Found plastic in my food", "Foreign object in {product}", "Food safety complaint"),
        openings=(
            "I found a piece of hard blue plastic in the {product}. My husband nearly bit into it. I've kept "
            "it and the packaging. This is really serious.",
            "There was a small piece of metal in the {product} I bought from you. I've photographed it. I "
            "want to know how this happened.",
        ),
        threads=(
            Thread(
                reply="I'm very sorry, and I'm glad nobody was hurt. Please keep the object and the "
                      "packaging safe. Our food safety team will contact you today to arrange collection so "
                      "the supplier can investigate. I've refunded the product in the meantime.",
                turns=(("The courier collected it yesterday. When will I hear what happened?",
                        "The supplier's report is back: it came from a worn part on one of their machines, "
                        "which has been replaced, and the batch has been withdrawn. As an apology we've "
                        "added {credit} to your account."),),
                waits=True,
            ),
            Thread(
                reply="Thank you for telling us straight away, and I'm so sorry. I've opened a food safety "
                      "case, and one of our technical managers will phone you within 24 hours. Please keep "
                      "the item and packaging.",
                turns=(("Thank you for taking it seriously.",
                        "The investigation is complete: the supplier traced it to a broken sieve and has "
                        "withdrawn the batch. Our technical manager will call to talk you through the "
                        "report."),),
                waits=True,
            ),
        ),
        notes=(
            "Food safety case opened; technical manager informed. Collection booked.",
            "Supplier investigation report received; batch withdrawn. Report saved to the case file.",
        ),
    ),
    Scenario(
        key="small-size",
        team=TEAM,
        tags=("product-quality",),
        weight=4,
        products="meat",
        priorities=(30, 65, 5, 0),
        subjects=("Much smaller than expected", "Not what the picture showed"),
        openings=(
            "The {product} {was} tiny compared to the picture on your site. {It} wouldn't feed two people, "
            "never mind four.",
        ),
        threads=(
            Thread(
                reply="Sorry it wasn't what you expected. Sizes vary, but that's at the small end and the "
                      "listing should say so. I've refunded it and asked for the product page to show "
                      "typical weights.",
                turns=(("Thanks, that would help.", "You're welcome."),),
            ),
        ),
    ),
    Scenario(
        key="recall-question",
        team=TEAM,
        tags=("recall",),
        weight=3,
        priorities=(0, 40, 50, 10),
        subjects=("Is my product part of the recall?", "Recall notice"),
        openings=(
            "I saw on the news that some {product} {is} being recalled. I bought some from you last week. Is "
            "mine affected?",
        ),
        threads=(
            Thread(
                reply="Thanks for checking. The recall covers batch codes beginning with L{order2}. I've "
                      "checked your order, and yours did come from that batch, so please don't eat it. I've "
                      "refunded it already, and there's no need to return it.",
                turns=(("Thank you, I've thrown it away.", "Thank you, and sorry for the worry."),),
            ),
        ),
    ),
    Scenario(
        key="app-login",
        team=TEAM,
        tags=("app", "login"),
        weight=10,
        priorities=(10, 70, 20, 0),
        subjects=("Can't log in to the app", "Locked out of my account", "App login not working"),
        openings=(
            "I can't log in to the app. It keeps saying my password is wrong, but I know it's right because "
            "it works on the website.",
            "After the latest update the app logs me out every time I close it, and now it won't accept my "
            "password at all.",
        ),
        threads=(
            Thread(
                reply="Sorry about that. The latest app update had a bug with saved passwords on some "
                      "phones. Could you delete the app, install it again and log in fresh? That clears the "
                      "old stored password.",
                turns=(
                    ("Reinstalling worked, thanks.", "Great, thanks for letting me know."),
                    ("Still not working. It says 'something went wrong' now.",
                     "Thanks for persevering. The app team have confirmed a fix went out this afternoon "
                     "(version 6.3.1). If you update the app you should be able to log in again."),
                ),
            ),
            Thread(
                subjects=("Locked out of my account",),
                openings=("I've been locked out after too many attempts and I have an order to change before "
                          "10pm.",),
                reply="I've unlocked your account from here, so you can try again now. If it still refuses "
                      "your password, use 'forgot password' and the reset link will come within a minute or "
                      "two.",
                turns=(("The reset email hasn't arrived.",
                        "Our email provider had a delay this evening, which is why the link didn't arrive. "
                        "I've sent a new one to the address on your account; it's valid for an hour."),),
            ),
        ),
        notes=("Known issue with app 6.3.0 on Android 14. Fix in 6.3.1.",),
    ),
    Scenario(
        key="data-request",
        team=TEAM,
        tags=("privacy",),
        weight=3,
        priorities=(20, 70, 10, 0),
        subjects=("Delete my account", "Please remove my data", "Data request"),
        openings=(),
        threads=(
            Thread(
                subjects=("Delete my account", "Please remove my data"),
                openings=("Please close my account and delete all my personal data. I'm moving abroad.",),
                reply="Of course. Before we delete anything we need to confirm it's really you, so I've sent "
                      "a confirmation link to the email address on your account. Once you click it, the "
                      "account will be closed and your data deleted within 30 days, apart from the invoices "
                      "we have to keep for tax.",
                turns=(("Confirmed, thank you.", "All done. Good luck with the move!"),),
            ),
            Thread(
                subjects=("Data request", "Copy of my data"),
                openings=("I'd like a copy of all the personal data you hold about me, please.",),
                reply="Certainly. I've started your request; you'll receive a download link by email within "
                      "30 days, and usually much sooner.",
                turns=(("Received it, thanks.", "You're welcome."),),
            ),
        ),
    ),
    Scenario(
        key="basket-emptied",
        team=TEAM,
        tags=("app",),
        weight=5,
        priorities=(10, 70, 20, 0),
        subjects=("My basket disappeared", "App crashed and lost my order", "Items vanished from my basket"),
        openings=(),
        threads=(
            Thread(
                subjects=("App crashed and lost my order", "My basket disappeared"),
                openings=("I spent an hour filling my basket and the app crashed at checkout. Now the basket "
                          "is empty and my slot has gone.",),
                reply="That's so frustrating, I'm sorry. Baskets are saved to your account, so I've restored "
                      "yours from our side, and I've held your {slot} slot for the next hour so you can "
                      "check out.",
                turns=(("Thank you, that saved me a lot of time!", "Glad it's sorted. Happy shopping!"),),
            ),
            Thread(
                subjects=("Items vanished from my basket",),
                openings=("Half the items in my basket disappeared overnight. Did something happen?",),
                reply="Sorry about that. Items that go out of stock are removed from baskets overnight, "
                      "which is what happened here. You'll find them under 'recently removed' in the basket, "
                      "ready to add back once they're in stock.",
                turns=(("Found them, thanks.", "Great, enjoy your shopping."),),
            ),
        ),
    ),
    Scenario(
        key="order-cutoff",
        team=TEAM,
        tags=("app",),
        weight=5,
        priorities=(20, 70, 10, 0),
        short=True,
        subjects=("Can I still add to my order?", "Add items after the cut-off", "Edit my order"),
        openings=(),
        threads=(
            Thread(
                subjects=("Can I still add to my order?", "Add items after the cut-off"),
                openings=("I forgot the {product}. My order comes {tomorrow}; can I still add {it}?",),
                reply="Orders can be changed until 10pm the evening before delivery. After that the order is "
                      "being picked, but I've added the {product} for you from here, and you'll see {it} on "
                      "the order now.",
                turns=(("Lifesaver, thank you!", "Happy to help."),),
            ),
            Thread(
                subjects=("Edit my order", "Remove an item from my order"),
                openings=("The app won't let me edit my order any more. I need to remove the {product}.",),
                reply="The cut-off has passed, so the order is locked in the app, but I've removed the "
                      "{product} for you and you won't be charged for {it}.",
                turns=(("Thank you!", "You're welcome."),),
            ),
        ),
    ),
    Scenario(
        key="staff-compliment",
        team=TEAM,
        tags=("compliment",),
        weight=5,
        priorities=(80, 20, 0, 0),
        short=True,
        subjects=("Thank you", "Great service", "Just wanted to say thanks"),
        openings=(
            "I had a problem with an order last month, and the way it was handled was brilliant. Quick, "
            "friendly, and sorted in one reply. Thank you.",
            "Just a note to say how good your customer service is. I've used other delivery companies and "
            "they're nothing like as helpful.",
        ),
        threads=(
            Thread(
                reply="Thank you so much for writing. It means a lot to the team, and I'll share it with "
                      "everyone here.",
                turns=(("You're welcome!", "Have a great week."),),
            ),
        ),
        notes=("Kudos shared in the team channel.",),
    ),
    Scenario(
        key="nutrition-info",
        team=TEAM,
        products="bakery",
        tags=("product-info",),
        weight=4,
        priorities=(40, 60, 0, 0),
        short=True,
        subjects=("Nutrition information", "Sugar content?", "Is this suitable for vegetarians?"),
        openings=(),
        threads=(
            Thread(
                subjects=("Is this suitable for vegetarians?", "Nutrition information"),
                openings=("{Is} the {product} suitable for vegetarians? The website doesn't say.",),
                reply="Good question. I've checked the supplier's specification: {it} {is} suitable for "
                "vegetarians, and I've asked for the website to show the vegetarian symbol.",
                turns=(("Thanks for checking.", "You're welcome."),),
            ),
            Thread(
                subjects=("Sugar content?", "Nutrition information"),
                openings=("Could you tell me how much sugar is in the {product}? My husband is diabetic.",),
                reply="According to the supplier's specification, it has 4.2g of sugar per 100g. I've asked "
                      "for the full nutrition table to be added to the website.",
                turns=(("That's really helpful, thank you.", "You're welcome."),),
            ),
        ),
    ),
)
