"""Conversations the Deliveries team has: vans, slots, drivers and doorsteps."""

from .scenario import Scenario, Thread

TEAM = "Deliveries"

SCENARIOS = (
    Scenario(
        key="late-delivery",
        team=TEAM,
        tags=("late-delivery",),
        weight=22,
        priorities=(5, 60, 30, 5),
        subjects=("Where is my delivery?", "Order {order} still not here", "Delivery late again",
                  "Still waiting for my {slot} delivery"),
        openings=(
            "Hi, my delivery was booked for {slot} today and it's now well past that. Nothing has turned up "
            "and the tracking page still says 'on its way'. Order number is {order}. Can someone tell me "
            "what's going on? I've got frozen food coming.",
            "My shopping was supposed to arrive between {slot} and there's no sign of it. I stayed in "
            "specially. Order {order}. Please let me know if it's coming at all.",
            "Hello, I'm still waiting for order {order}. The slot was {slot} and I've had no text or call "
            "from the driver. This is the second time this month it's been late.",
            "Driver hasn't arrived. Slot was {slot}, it's nearly an hour past. I need to go out soon. Order "
            "{order}.",
        ),
        threads=(
            Thread(
                reply="I'm sorry your shopping hasn't arrived yet. I've checked order {order}: the van was "
                      "held up by roadworks on the ring road and is running about {minutes} minutes behind. "
                      "{driver} has your order and you're the next-but-one stop, so it should be with you "
                      "very soon.",
                turns=(
                    ("It's just arrived, thanks. The frozen things were still frozen so no harm done, but a "
                     "text to say it was running late would have saved me a lot of waiting around.",
                     "Thank you for bearing with us. You're right that we should have told you; the depot is "
                     "looking at why the delay texts didn't go out. I've added a {credit} credit to your "
                     "account as an apology, and it will come off your next order automatically."),
                    ("It came in the end, about {minutes} minutes late. Not great, I had to rearrange my "
                     "afternoon.",
                     "I'm sorry it cost you your afternoon. I've refunded the delivery charge for this "
                     "order, and you'll see it back on your card in {refund_days}."),
                ),
            ),
            Thread(
                reply="Thank you for letting us know, and I'm sorry you've been left waiting. I've spoken to "
                      "the depot: one of this afternoon's vans broke down and its orders were moved to "
                      "another route. Yours is on the way now with {driver}, and the live estimate is about "
                      "{minutes} minutes.",
                turns=(
                    ("Still nothing here and it's been over an hour since your message. Can you check again "
                     "please?",
                     "I'm so sorry. I've rung the depot again: the replacement van was sent to the wrong end "
                     "of {street} first. {driver} is three streets away now. I've refunded your delivery "
                     "charge, and the depot manager will look at how the route was planned."),
                    ("Got it now. The driver was lovely and apologised. It's the lack of communication that "
                     "annoys me.",
                     "That's fair, and I've passed it on to the depot manager: when a van breaks down, "
                     "customers should hear from us straight away. I've added a {credit} goodwill credit to "
                     "your account."),
                ),
            ),
        ),
        notes=(
            "Depot confirms van 14 off the road 13:10–14:05 (flat tyre). All afternoon drops on that route "
            "late.",
            "Third late delivery for this customer in six weeks. Flagged to the depot manager.",
            "Checked the tracking log: driver marked 'delayed' but the customer text did not fire. Reported "
            "to IT.",
        ),
    ),
    Scenario(
        key="marked-delivered-not-received",
        team=TEAM,
        tags=("missing-order",),
        weight=12,
        priorities=(0, 45, 45, 10),
        subjects=("Order says delivered but I haven't got it", "Order {order} marked as delivered?",
                  "Where has my shopping gone?"),
        openings=(
            "I've just had a text saying my order has been delivered, but there's nothing here. I've checked "
            "the porch, the side gate and asked next door. Order {order}.",
            "The app says order {order} was delivered at {slot} but nobody came to the door and there are no "
            "bags anywhere. I was in all afternoon.",
            "Hi, my shopping is showing as delivered but I never received it. I live on {street}. Could it "
            "have gone to the wrong house? Order {order}, total {total}.",
        ),
        threads=(
            Thread(
                reply="I'm sorry, that's worrying. The GPS for the drop puts the van on {street}, but a few "
                      "doors down from you: I think it went to number {neighbour}. Would you mind knocking "
                      "there? If they don't have it, I'll arrange a refund or a redelivery, whichever you "
                      "prefer.",
                turns=(
                    ("Found it! It was at number {neighbour}. They'd taken it in thinking it was theirs. "
                     "Everything is here apart from the ice cream, which has melted.",
                     "I'm glad it turned up, though sorry about the ice cream. I've refunded it and added a "
                     "note for drivers to double-check your house number. The refund will be back on your "
                     "card in {refund_days}."),
                    ("Nobody at number {neighbour} has it. I'd like a refund please, I've had to go to the "
                     "shop.",
                     "I'm sorry it's gone astray. I've refunded the full order, {total}, to your card; "
                     "you'll see it in {refund_days}. I've also spoken to the driver so it doesn't happen "
                     "again."),
                    ("No sign of it. Could you redeliver {tomorrow} in the same slot?",
                     "All booked: your order will come again {tomorrow} at {slot}, at no charge. I've added "
                     "your house number and door colour to the delivery notes so it can't go to the wrong "
                     "house."),
                ),
            ),
            Thread(
                reply="I'm so sorry. The driver's photo for order {order} shows the bags by a blue front "
                      "door. Is that yours? If not, I'll sort out a refund or a new delivery today.",
                turns=(
                    ("No, ours is green. Please send it again, after 5pm if possible.",
                     "Booked for this evening between 6 and 7, and it's free of charge. I've also added your "
                     "door colour to the delivery notes so it can't happen again."),
                    ("That's my neighbour's door! Found it, thank you.",
                     "Good news! I've added a note to your account so drivers double-check the house "
                     "number."),
                ),
            ),
        ),
        notes=(
            "Driver photo shows a blue door; customer's door is green per previous delivery photos. "
            "Misdelivery.",
            "Spoke to the driver: he admits he didn't check the house number. Raised with his supervisor.",
        ),
    ),
    Scenario(
        key="change-slot",
        team=TEAM,
        tags=("slot-change",),
        weight=14,
        priorities=(20, 75, 5, 0),
        short=True,
        subjects=("Can I change my delivery slot?", "Change slot for order {order}", "Need a different time"),
        openings=(
            "Hello, could I move my delivery on {tomorrow} from {slot} to {later_slot}? Something's come up "
            "at work. Order {order}.",
            "Is it possible to change my slot? I've got {slot} booked for {tomorrow} but I won't be home "
            "then. {later_slot} would be better.",
            "I tried to change my delivery time in the app but it says the order is 'being picked' and won't "
            "let me. Can you move it to {later_slot} please? Order {order}.",
        ),
        threads=(
            Thread(
                reply="No problem at all. I've moved order {order} to {later_slot} on {tomorrow}; you'll get "
                      "a new confirmation email in a few minutes.",
                turns=(
                    ("That's great, thanks. Can I still add some milk to it?",
                     "You can: the basket stays open for changes until 10pm the night before. Just add the "
                     "milk in the app as usual and it will come with the rest."),
                ),
            ),
            Thread(
                reply="Of course. Once an order is being picked the app locks the slot, but we can still "
                      "move it from here. I've changed it to {later_slot}, and nothing else about the order "
                      "has changed.",
                turns=(
                    ("Thanks. Will I get a new confirmation?",
                     "You will: it should already be in your inbox, and the app shows the new slot too."),
                ),
            ),
        ),
    ),
    Scenario(
        key="driver-compliment",
        team=TEAM,
        tags=("compliment",),
        weight=10,
        priorities=(70, 30, 0, 0),
        short=True,
        subjects=("Lovely driver", "Please thank {driver}", "Compliment for your delivery driver"),
        openings=(
            "I just wanted to say how kind your driver {driver} was today. It was pouring with rain and they "
            "carried everything up three flights of stairs for me without complaining. Please pass on my "
            "thanks.",
            "Your driver, {driver}, noticed my elderly mum had left her front door open and waited with her "
            "until I arrived. That went well beyond delivering shopping. Thank you.",
            "Just a quick note to say {driver} is always cheerful and careful with the eggs! Makes my "
            "Saturday.",
        ),
        threads=(
            Thread(
                reply="Thank you so much for taking the time to write. I've passed your message on to "
                      "{driver} and their manager, and it will go up on the depot's kudos board this week. "
                      "It really makes their day.",
                turns=(("Thank you, they deserve it.", "They do. Thanks again, and enjoy your shopping."),),
            ),
            Thread(
                reply="What a lovely message, thank you. {driver} will be delighted; I've shared it with "
                      "them and the depot team.",
                turns=(("Thanks for passing it on!", "My pleasure. Have a lovely week."),),
            ),
        ),
        notes=("Compliment forwarded to the depot manager for the monthly driver awards.",),
    ),
    Scenario(
        key="driver-complaint",
        team=TEAM,
        tags=("driver-feedback",),
        weight=7,
        priorities=(0, 50, 45, 5),
        subjects=("Complaint about your driver", "Rude delivery driver"),
        openings=(
            "I want to complain about the driver who delivered today at {slot}. He threw the bags on the "
            "doorstep, broke a jar of pasta sauce, and walked off when I asked him to wait.",
            "The driver today was on his phone the whole time and didn't bring the bags to the door, just "
            "left them at the gate in the rain. Order {order}.",
        ),
        threads=(
            Thread(
                reply="I'm very sorry. That isn't how we expect our drivers to behave, and I understand why "
                      "you're upset. I've refunded anything that was damaged and logged a formal complaint "
                      "with the depot. The driver's supervisor will review the van camera footage for that "
                      "drop.",
                turns=(
                    ("Thank you. I don't want anyone to lose their job, I just want it not to happen again.",
                     "Understood. The supervisor has watched the footage and spoken to the driver, who has "
                     "been booked on a customer care refresher. I've added a {credit} credit to your account "
                     "as an apology."),
                    ("Thanks. I'd rather not have the same driver again if that's possible.",
                     "I've added a note to your account asking the depot to send a different driver. I'm "
                     "sorry again, and thank you for giving us the chance to put it right."),
                ),
                waits=True,
            ),
            Thread(
                subjects=("Driver blocked our driveway",),
                openings=(
                    "Your van parked across our driveway for twenty minutes this morning and my husband "
                    "couldn't get out for a hospital appointment. When he asked the driver to move he was "
                    "told to 'wait'.",
                ),
                reply="I'm so sorry, especially with a hospital appointment at stake. I've reported it to "
                      "the depot manager, who will speak to the driver today. Could you tell me roughly what "
                      "time it happened, so we can match it to the van's log?",
                turns=(
                    ("About twenty past eight. He made the appointment, just.",
                     "Thank you. The depot has matched the time to the van and spoken to the driver, and "
                     "drivers on your street have been told not to park across driveways. I've added a "
                     "{credit} credit to your account as an apology."),
                ),
            ),
        ),
        notes=(
            "Van camera reviewed by depot supervisor: driver did leave bags at the gate. Conversation held.",
            "Driver has one previous complaint (March). HR informed by the depot.",
        ),
    ),
    Scenario(
        key="missing-bag",
        team=TEAM,
        tags=("missing-item",),
        weight=10,
        priorities=(0, 60, 35, 5),
        subjects=("A whole bag is missing", "Bag missing from my delivery", "Missing bag from order {order}"),
        openings=(
            "My order came today but a whole bag is missing: the one with the meat and the {product}. The "
            "receipt lists {bags} bags but the driver only brought some of them. Order {order}.",
            "Hi, half my shopping hasn't come. No {product}, no {product2}, nothing chilled at all. I think "
            "a chilled bag was left in the van.",
            "Delivery arrived but there's a bag missing. I've gone through the receipt and about a quarter "
            "of the items aren't here, including the {product}.",
        ),
        threads=(
            Thread(
                reply="I'm sorry, that's really frustrating. The driver has checked the van and found a bag "
                      "with your order number on it: it had slipped behind the chiller trays. It can come "
                      "back this evening, or I can refund the items. Which would you prefer?",
                turns=(
                    ("Bring it back tonight please, I need it for tomorrow.",
                     "Done: {driver} will drop it round between 7 and 8 this evening. I've also refunded the "
                     "delivery charge for the trouble."),
                    ("A refund please, I've already been to the shop.",
                     "Of course. The items in that bag came to {half_total}, which I've refunded to the card "
                     "ending {card}, plus a {credit} credit on your account for the inconvenience."),
                ),
            ),
            Thread(
                reply="Sorry about this. I've checked with the depot and one bag of order {order} was left "
                      "on the loading bay. Because it's chilled food that has been out for some time we "
                      "won't deliver it, so I've refunded everything in that bag. You'll see it in "
                      "{refund_days}.",
                turns=(
                    ("OK. Annoying, but thanks for sorting it quickly. How much was refunded?",
                     "It was {half_total}, to the card ending {card}. I've also added a {credit} credit to "
                     "your account for the inconvenience."),
                ),
            ),
        ),
        notes=("Depot found the tote on the loading bay at 16:40. Disposed of under the cold-chain rule.",),
    ),
    Scenario(
        key="frozen-defrosted",
        team=TEAM,
        tags=("cold-chain", "damaged"),
        weight=7,
        products="chilled",
        priorities=(0, 55, 40, 5),
        subjects=("Frozen food arrived defrosted", "Ice cream melted", "Chilled items warm on arrival"),
        openings=(
            "The frozen items in today's delivery were completely soft. The ice cream was liquid and the "
            "{product} {was}n't cold at all. I've had to throw it all away.",
            "Everything in the freezer bag had defrosted by the time it got to me. Can frozen things be "
            "refrozen? I don't want to risk it. Order {order}.",
            "Chilled items were warm when they arrived, including the {product}. It's been hot today but "
            "surely the van should keep things cold?",
        ),
        threads=(
            Thread(
                reply="I'm sorry, and please don't refreeze or eat anything that has thawed. I've refunded "
                      "all the frozen and chilled items from order {order}, and I've asked the depot to "
                      "check the temperature log for your van.",
                turns=(
                    ("Thanks. What was wrong with the van?",
                     "The depot found the chiller unit on that van failed during the afternoon, and the van "
                     "is off the road until it's repaired. Every customer on that route has been refunded. "
                     "Sorry again."),
                    ("Thank you. I'll be nervous ordering frozen things now.",
                     "That's completely understandable. The van's chiller had a fault, which has been "
                     "repaired. I've added a {credit} credit to your account, and I hope your next order "
                     "puts your mind at rest."),
                ),
                waits=True,
            ),
        ),
        notes=("Temperature log for van 9: chiller at 11°C from 14:20. Van withdrawn for repair.",),
    ),
    Scenario(
        key="safe-place",
        team=TEAM,
        tags=("delivery-instructions",),
        weight=7,
        priorities=(30, 65, 5, 0),
        short=True,
        subjects=("Can you leave my shopping in a safe "
                  "place?", "Delivery instructions", "Leave with neighbour?"),
        openings=(
            "I'll be at work during my delivery on {day}. Could the driver leave the bags in the shed round "
            "the side? It's unlocked and out of the sun.",
            "Is it possible to leave my shopping with my neighbour at number {neighbour} if I'm not in? "
            "She's happy to take it.",
        ),
        threads=(
            Thread(
                reply="Yes, we can do that. I've added it to the delivery notes on your account, so every "
                      "driver will see it from now on. Just so you know, we can't leave alcohol or medicines "
                      "unattended.",
                turns=(("Perfect, thank you. I'll order the wine another week!",
                        "Ha, good plan. Enjoy the rest of your week!"),),
            ),
            Thread(
                subjects=("Buzzer doesn't work", "Delivery instructions"),
                openings=(
                    "How do I add delivery instructions? Our buzzer doesn't work, so drivers need to ring my "
                    "mobile instead.",
                ),
                reply="You can add them in the app under Account → Delivery preferences. I've added this one "
                      "for you already, so the driver will see 'buzzer broken: please ring the mobile' on "
                      "their handheld.",
                turns=(("That's really helpful, thanks.", "Happy to help. Enjoy your shopping!"),),
            ),
        ),
    ),
    Scenario(
        key="delivery-area",
        team=TEAM,
        tags=("coverage",),
        weight=6,
        priorities=(40, 60, 0, 0),
        short=True,
        subjects=("Do you deliver to my area?", "Delivery to {area}", "Moving house: can I keep my orders?"),
        openings=(),
        threads=(
            Thread(
                subjects=("Do you deliver to my area?", "Delivery to {area}"),
                openings=(
                    "We've just moved to {area}. The website says you don't deliver to our postcode but my "
                    "friend two streets away gets deliveries. Is that right?",
                    "Do you have any plans to deliver to the new estate in {area}? Lots of us here would "
                    "sign up.",
                ),
                reply="Thanks for asking. Our coverage goes street by street, and the new houses in {area} "
                      "were added to our map last week, so if you try your postcode again now it should be "
                      "accepted.",
                turns=(("It's working now, thank you!", "Brilliant. Welcome to Fresh Basket!"),),
            ),
            Thread(
                subjects=("Moving house: can I keep my slot?",),
                openings=(
                    "I'm moving house next month, from {area} to the other side of town. Will I still be "
                    "able to book the Thursday evening slots?",
                ),
                reply="Good news: we cover the whole town, though Thursday evening slots are popular. Once "
                      "you've moved, update your address in the app and book a few weeks ahead if you can.",
                turns=(("Great, thanks for checking.", "You're welcome, and good luck with the move!"),),
            ),
        ),
    ),
    Scenario(
        key="holiday-slots",
        team=TEAM,
        tags=("slots",),
        weight=5,
        priorities=(30, 65, 5, 0),
        short=True,
        subjects=("Christmas delivery slots", "When do holiday slots open?", "No slots available"),
        openings=(),
        threads=(
            Thread(
                subjects=("Christmas delivery slots", "When do Christmas slots open?"),
                openings=(
                    "When do the Christmas delivery slots open? Last year they were all gone before I got a "
                    "look in.",
                ),
                reply="Christmas slots open to everyone at 9am on the first Monday of December, and "
                      "customers with a Fresh Pass can book a week earlier. I'd recommend setting a "
                      "reminder.",
                turns=(("Thanks, I'll set an alarm!", "Good luck, and have a lovely Christmas."),),
            ),
            Thread(
                subjects=("No slots available", "Can't find a delivery slot"),
                openings=(
                    "There are no slots at all for the next five days. Is something wrong with the website?",
                    "I can't find a single delivery slot this week. Are you still delivering?",
                ),
                reply="Nothing's wrong: it's simply very busy. Slots are released at midnight for the day a "
                      "week ahead, and cancellations go back on sale straight away, so it's worth checking "
                      "in the morning.",
                turns=(("OK, I'll keep checking. "
                        "Thanks.", "Fingers crossed, and thanks for your patience."),),
            ),
        ),
    ),
    Scenario(
        key="early-delivery",
        team=TEAM,
        tags=("early-delivery",),
        weight=4,
        priorities=(20, 70, 10, 0),
        subjects=("Delivery came way too early", "Driver came before my slot", "Arrived an hour early"),
        openings=(),
        threads=(
            Thread(
                openings=(
                    "My slot was {later_slot} but the driver rang the bell an hour before it and woke the "
                    "baby. What's the point of a slot if it isn't kept?",
                ),
                reply="I'm sorry. Drivers shouldn't arrive more than five minutes before the slot starts, "
                      "and yours was well outside that. I've told the depot manager, and refunded your "
                      "delivery charge.",
                turns=(("OK, thanks. Please make sure it doesn't happen again.",
                        "I've put a note on your account, and the depot has briefed the drivers on your "
                        "route."),),
            ),
            Thread(
                openings=(
                    "The driver came 45 minutes before my slot while I was out on the school run, and took "
                    "everything back to the depot. Order {order}.",
                ),
                reply="Sorry about that: you shouldn't have missed your shopping because we were early. I "
                      "can bring the order back at a time that suits you today, free of charge. What would "
                      "work?",
                turns=(("After 3pm would be best please.",
                        "Booked: it will be with you between 3 and 4pm, and I've put a note on your account "
                        "so the drivers stick to your slot."),),
            ),
        ),
    ),
    Scenario(
        key="bag-free",
        team=TEAM,
        tags=("bags", "sustainability"),
        weight=5,
        priorities=(45, 55, 0, 0),
        short=True,
        subjects=("Too many carrier bags", "Bag-free delivery?", "Can you take bags back?"),
        openings=(
            "Every order comes in about {bags} plastic bags even if it's only a few items. Can I have my "
            "shopping without bags? I'm drowning in them.",
            "Do you take carrier bags back? I've got a drawer full.",
        ),
        threads=(
            Thread(
                reply="We can help with both. I've switched your account to bag-free delivery: the driver "
                      "will bring everything in crates and unpack it at your door. And you can hand any old "
                      "bags back to the driver; they're recycled, and we refund 5p for each.",
                turns=(("Brilliant, thank you.", "Thanks for helping us cut down on plastic!"),),
            ),
        ),
    ),
    Scenario(
        key="access-instructions",
        team=TEAM,
        tags=("delivery-instructions",),
        weight=4,
        priorities=(10, 70, 20, 0),
        subjects=("Drivers can't get into my "
                  "building", "Delivery failed: gate code", "Missed delivery, flat access"),
        openings=(),
        threads=(
            Thread(
                subjects=("Drivers can't get into my building", "Delivery failed: gate code"),
                openings=(
                    "For the second week in a row the driver couldn't get into my block and took my shopping "
                    "away again. The gate code is in my notes! Order {order}.",
                ),
                reply="I'm sorry. The gate code was saved in the 'address line 2' field, which the drivers' "
                      "app doesn't show. I've moved it into the delivery instructions so they'll see it, and "
                      "I can redeliver your order {tomorrow}, free of charge. Would {slot} suit you?",
                turns=(("Yes, {slot} is fine.",
                        "All arranged, and I've refunded your delivery charge for the trouble."),),
            ),
            Thread(
                subjects=("Driver said 'no access'", "Missed delivery, but I was home"),
                openings=("The driver left a card saying 'no access'. I was home all day and my phone didn't "
                          "ring once.",),
                reply="Sorry about that. The driver's log shows they called a number with one digit wrong, "
                      "so I've corrected the phone number on your account. Would you like the order brought "
                      "back today?",
                turns=(("Yes, today after 5 would be great.",
                        "Done. You'll get a text with the driver's name when they set off."),),
            ),
        ),
    ),
    Scenario(
        key="wrong-address",
        team=TEAM,
        tags=("missing-order",),
        weight=4,
        priorities=(0, 50, 45, 5),
        subjects=("Delivered to my old address", "Order went to the wrong address"),
        openings=(),
        threads=(
            Thread(
                subjects=("Delivered to my old address",),
                openings=(
                    "I updated my address last week but my order has gone to the old flat on {street}. The "
                    "new tenants have kindly messaged me but I can't get over there today.",
                ),
                reply="I'm sorry. Your new address was saved, but this order was placed before the change "
                      "and kept the old one. I'll arrange a fresh delivery to the right address and cancel "
                      "the charge for the first one. When would suit you?",
                turns=(("{tomorrow} morning please.",
                        "Booked for {tomorrow} morning. You won't pay for either delivery."),),
            ),
            Thread(
                subjects=("Order went to my work address",),
                openings=(
                    "I think my shopping was sent to my work address by mistake. I only use that for the "
                    "occasional office order. Order {order}.",
                ),
                reply="Sorry for the mix-up. The order was placed with your work address selected. I've "
                      "refunded it, and set your home address as the default so it won't happen again.",
                turns=(("Thank you, that makes sense.", "You're welcome, and sorry again for the trouble."),),
            ),
        ),
    ),
)
