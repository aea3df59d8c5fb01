"""Conversations the Billing team has: charges, refunds, vouchers, the Fresh Pass and business accounts."""

from .scenario import Scenario, Thread

TEAM = "Billing"

SCENARIOS = (
    Scenario(
        key="double-charge",
        team=TEAM,
        tags=("double-charge", "refund"),
        weight=14,
        priorities=(0, 40, 50, 10),
        subjects=("Charged twice for my order", "Double payment taken", "Two payments for order {order}"),
        openings=(
            "Hello, I've been charged twice for last week's shopping. My bank shows two payments of {total} "
            "on the same day. Order {order}. Please refund the extra one, money is tight this month.",
            "I've just checked my banking app and there are two identical payments to Fresh Basket for "
            "{total}. I only placed one order. What's happened?",
            "You've taken {total} out of my account twice. I need the second one back as soon as possible.",
        ),
        threads=(
            Thread(
                reply="I'm sorry for the worry this has caused. I've checked your account: the first payment "
                      "of {total} failed at your bank's end and was retried, but your bank let both through. "
                      "I've refunded the duplicate today, and it should be back in your account in "
                      "{refund_days}.",
                turns=(
                    ("It's been four days and I still can't see it. Can you send me some proof of the refund "
                     "so I can chase my bank?",
                     "Of course. The refund reference is RF-{order2}, issued on {date} to the card ending "
                     "{card}. If you give that to your bank they can trace it. I've also added a {credit} "
                     "credit to your account for the hassle."),
                    ("OK, thank you. Will this keep happening?",
                     "It shouldn't. A fault with our payment provider caused duplicate charges on a few "
                     "hundred orders that day, and it has been fixed. Every affected customer is being "
                     "refunded."),
                ),
            ),
            Thread(
                reply="Thank you for letting us know, and sorry. One of the two is a pre-authorisation that "
                      "should have dropped off when the order was charged, but your bank has held onto it. "
                      "I've asked our payment provider to release it, which normally takes {refund_days}.",
                turns=(
                    ("Thanks for the quick reply. I'll keep an eye out and let you know if it doesn't go.",
                     "Please do. I've also set myself a reminder to check with the provider on {tomorrow}."),
                    ("It's still there a week later. My bank says it's up to you.",
                     "I'm sorry. I've escalated it to the payment provider, who confirmed the release was "
                     "never sent. It has gone now (reference RF-{order2}) and your bank should show it "
                     "within two days. I've added a {credit} credit to your account for the trouble."),
                ),
                waits=True,
            ),
        ),
        notes=(
            "Payment provider dashboard: two captures of {total}, 3 seconds apart. Duplicate refunded, ref "
            "RF-{order2}.",
            "Part of the payment gateway incident on {date}. Incident list updated with this order.",
        ),
    ),
    Scenario(
        key="refund-status",
        team=TEAM,
        tags=("refund",),
        weight=14,
        priorities=(5, 65, 28, 2),
        subjects=("Where is my refund?", "Refund not received", "Still waiting for refund on order {order}"),
        openings=(
            "I was told over a week ago that I'd get a refund for the {product} that {was} missing from "
            "order {order}, but nothing has come through. How much longer?",
            "Hi, can you check on my refund please? It was {line_total} for a damaged item and it still "
            "isn't in my account.",
        ),
        threads=(
            Thread(
                reply="Sorry for the wait. The refund was approved but never sent: it was stuck waiting for "
                      "a sign-off that should have been automatic. I've sent it now, and you should see it "
                      "in {refund_days}.",
                turns=(("It's there now, "
                        "thanks.", "Thanks for letting me know, and sorry again for the delay."),),
            ),
            Thread(
                reply="I've checked, and the refund left us on {date} to the card ending {card}. Banks can "
                      "take up to five working days to show it. If it isn't there by next {tomorrow}, let me "
                      "know and I'll chase it.",
                turns=(
                    ("Still nothing I'm afraid, and it's been well over five days now.",
                     "Thanks for checking again. The bank returned it because that card has been replaced, "
                     "so I've put the full amount on your Fresh Basket account as credit instead, plus "
                     "{credit} for the trouble. It will come off your next order automatically."),
                    ("That card was cancelled last month. Will it still reach me?",
                     "Usually the bank passes it on to your new card. If not, it comes back to us within ten "
                     "days and I'll pay it by bank transfer instead. I've set myself a reminder."),
                ),
            ),
        ),
        notes=("Refund was stuck in 'awaiting approval' since {date}. Approved and sent.",),
    ),
    Scenario(
        key="voucher-not-applied",
        team=TEAM,
        tags=("voucher",),
        weight=12,
        priorities=(15, 75, 10, 0),
        subjects=("Voucher didn't work", "{voucher} code not applied", "Discount missing from my order"),
        openings=(
            "I used the code {voucher} at checkout and it said it was applied, but I've been charged the "
            "full {total}. Can you take the {voucher_value} off please?",
            "My voucher hasn't been taken off. I definitely entered {voucher} before paying. Order {order}.",
        ),
        threads=(
            Thread(
                reply="Sorry about that. The code was applied to your basket, but removed when a "
                      "substitution took the order under the minimum spend. That shouldn't count against "
                      "you, so I've refunded the {voucher_value} to your card.",
                turns=(
                    ("Thanks. Can I use the code again on my next order?",
                     "{voucher} is for one use only, but I've added a {credit} credit to your account for "
                     "the next order to make up for the trouble."),
                ),
            ),
            Thread(
                reply="Thank you for the details. {voucher} can't be used together with the multi-buy offers "
                      "in your basket, which the checkout should have told you. I've applied the "
                      "{voucher_value} by hand this time, and it will show as a refund in {refund_days}.",
                turns=(("Great, thanks very much.", "You're welcome. Enjoy your shopping!"),),
            ),
            Thread(
                subjects=("{voucher} code not valid",),
                openings=(
                    "The {voucher} code from your leaflet says 'not valid for this order'. My basket is over "
                    "the minimum spend, so why not?",
                ),
                reply="Thanks for getting in touch. {voucher} is for first orders only, and the leaflet "
                      "should have said so. As you've been kind enough to try us again, I've added a "
                      "{credit} credit to your account, which will come off this order.",
                turns=(("That's kind, thank you.", "You're welcome!"),),
            ),
        ),
    ),
    Scenario(
        key="cancel-subscription",
        team=TEAM,
        tags=("fresh-pass", "cancellation"),
        weight=10,
        priorities=(10, 80, 10, 0),
        subjects=("Cancel my Fresh Pass", "Please cancel my subscription", "Stop the monthly payment"),
        openings=(),
        threads=(
            Thread(
                subjects=("Cancel my Fresh Pass", "Please cancel my subscription"),
                openings=(
                    "Please cancel my Fresh Pass. I'm not ordering often enough to make it worth "
                    "{pass_price} a month.",
                    "I want to cancel my subscription but I can't find how to do it in the app. Please stop "
                    "the payments.",
                ),
                reply="I'm sorry to see you go. I've cancelled your Fresh Pass, and you'll keep free "
                      "deliveries until the end of the month you've paid for. If you only order now and "
                      "then, the pay-as-you-go delivery charge might suit you better: it's now £2.50 on "
                      "weekday evenings.",
                turns=(
                    ("Thank you. Will my saved favourites stay on my account?",
                     "Yes, everything stays as it is: favourites, addresses and past orders. Only the free "
                     "delivery ends."),
                    ("Thanks. The cancel button really should be easier to find.",
                     "You're right, and you're not the first to say so. I've passed your comment to the app "
                     "team, who are redesigning that page."),
                ),
            ),
            Thread(
                subjects=("Charged after cancelling Fresh Pass", "Stop the monthly payment"),
                openings=(
                    "I've been charged {pass_price} for Fresh Pass again even though I thought I cancelled "
                    "it last month.",
                ),
                reply="I'm sorry. You started the cancellation last month, but it wasn't confirmed on the "
                      "final screen, which is easy to miss. I've cancelled it now and refunded this month's "
                      "{pass_price}.",
                turns=(("Thanks. That final screen is really confusing.",
                        "It is, and I've passed your comment to the app team, who are redesigning it."),),
            ),
        ),
    ),
    Scenario(
        key="vat-invoice",
        team=TEAM,
        tags=("invoice", "business"),
        weight=8,
        business=True,
        priorities=(15, 75, 10, 0),
        subjects=("VAT invoice needed", "Invoice for {company}", "Monthly statement for our account"),
        openings=(),
        threads=(
            Thread(
                subjects=("VAT invoice needed", "Invoice for {company}"),
                openings=(
                    "Hello, could you send a VAT invoice for order {order}? Our accountant needs it for the "
                    "quarter end. It should be addressed to {company}.",
                    "We need the invoices for last month's orders for {company}. The receipts in the app "
                    "don't show VAT separately and our finance office won't accept them.",
                ),
                reply="Of course. I've emailed the VAT invoices to the accounts address we have for "
                      "{company}, with VAT shown line by line. Going forward you can download them "
                      "yourselves from Account → Invoices.",
                turns=(("Perfect, thank you. Could you also send the last three months in one go?",
                        "I've emailed a single statement covering the last three months, with an invoice for "
                        "each order."),),
            ),
            Thread(
                subjects=("PO number missing from invoice",),
                openings=("Our purchase order number wasn't on the last invoice. Can you reissue it with "
                          "PO-{order2} on it?",),
                reply="Thanks for getting in touch. I've reissued the invoice with your PO number and sent "
                      "it to the accounts address on file. Would you like the PO number added to every "
                      "invoice from now on?",
                turns=(("Yes please, the same PO number for the rest of the year.",
                        "Done: PO-{order2} will now appear on every invoice until 31 December."),),
            ),
        ),
    ),
    Scenario(
        key="payment-declined",
        team=TEAM,
        tags=("payment",),
        weight=7,
        priorities=(0, 50, 45, 5),
        subjects=("Payment declined but money "
                  "taken", "Card declined at checkout", "Order cancelled: payment failed"),
        openings=(),
        threads=(
            Thread(
                subjects=("Payment declined but money taken", "Order cancelled: payment failed"),
                openings=(
                    "My order was cancelled because the payment 'failed', but {total} has gone out of my "
                    "account. So I have no shopping and no money. Order {order}.",
                ),
                reply="I'm sorry. What you're seeing is a hold, not a payment: your bank reserved the money "
                      "when we asked for approval, and it will release it within {refund_days}. I know "
                      "that's not much help today, so I've rebooked your order for {tomorrow} at {slot} with "
                      "the delivery charge waived.",
                turns=(("OK. I hope the money comes back soon, I'm overdrawn now.",
                        "I understand, and I'm sorry. I've asked our payment provider to send your bank a "
                        "release notice, which usually speeds it up. If your bank charges you an overdraft "
                        "fee because of this, send it to us and we'll cover it."),),
            ),
            Thread(
                subjects=("Card declined at checkout",),
                openings=(
                    "I keep getting 'card declined' at checkout, but the card works everywhere else. I need "
                    "to get this order in today.",
                ),
                reply="Sorry for the trouble. Your bank asked for an extra security check that our checkout "
                      "didn't show properly in your browser. Could you try once more in the app? It handles "
                      "the bank's check better.",
                turns=(("That worked in the app, thanks.",
                        "Glad that worked. I've passed the browser problem on to our payments team."),),
            ),
        ),
    ),
    Scenario(
        key="weighed-items",
        team=TEAM,
        tags=("price",),
        weight=7,
        products="weighed",
        priorities=(20, 70, 10, 0),
        subjects=("Charged more than the price "
                  "shown", "Why was my bill higher?", "Final total higher than basket"),
        openings=(
            "My basket said one price but I was charged more. I didn't add anything. Why the difference? "
            "Order {order}.",
            "The {product} {was} listed at {price} but I was charged more than that. Order {order}.",
        ),
        threads=(
            Thread(
                reply="Good question. Some items, such as meat, cheese and loose vegetables, are priced by "
                      "weight, so the basket shows an estimate and we charge what the item actually weighs "
                      "when it's picked. Your {product} came out heavier than average. The final receipt "
                      "lists each weighed item.",
                turns=(
                    ("Fair enough, I didn't realise. Thanks for "
                     "explaining.", "No problem at all, happy to help."),
                    ("Could you put a limit on it? I'd rather not pay more than I expected.",
                     "You can: under Account → Preferences there's a setting to 'never go over the estimated "
                     "price by more than 10%'. I've switched it on for you."),
                ),
            ),
        ),
    ),
    Scenario(
        key="delivery-fee-with-pass",
        team=TEAM,
        tags=("fresh-pass", "refund"),
        weight=6,
        priorities=(10, 75, 15, 0),
        subjects=("Charged delivery despite Fresh Pass", "Why did I pay for delivery?"),
        openings=(
            "I pay {pass_price} a month for Fresh Pass so my deliveries are free, but I was charged for "
            "delivery on order {order}.",
            "Delivery charge of £4.50 on my last order, but I'm a Fresh Pass member. Please refund it.",
        ),
        threads=(
            Thread(
                reply="Sorry about that. Fresh Pass covers orders over £40, and after a substitution your "
                      "order came to just under. That isn't fair when the substitution was ours, so I've "
                      "refunded the charge.",
                turns=(("Thank you!", "You're welcome. Enjoy the free deliveries."),),
            ),
            Thread(
                reply="You're right, you shouldn't have paid. Your pass renewed the day you ordered, and the "
                      "order went through a few minutes before the renewal. I've refunded the delivery "
                      "charge.",
                turns=(("Thanks, that makes sense.", "You're welcome, sorry for the confusion."),),
            ),
        ),
    ),
    Scenario(
        key="change-card",
        team=TEAM,
        tags=("payment",),
        weight=5,
        priorities=(25, 70, 5, 0),
        short=True,
        subjects=("How do I change my card?", "Update payment details", "New bank card"),
        openings=(),
        threads=(
            Thread(
                subjects=("How do I change my card?", "New bank card"),
                openings=("My bank sent me a new card. How do I change the card on my account before {day}'s "
                          "order?",),
                reply="You can do it in the app under Account → Payment cards: add the new card, then tap "
                      "'make default'. Your upcoming order will switch to it automatically. For security we "
                      "can't take card numbers over email.",
                turns=(("Done, thanks!", "Great, all sorted then."),),
            ),
            Thread(
                subjects=("Update payment details",),
                openings=("I want to pay for my Fresh Pass with a different card. Where can I change it?",),
                reply="Go to Account → Fresh Pass → Payment method and choose 'change card'. The next "
                      "payment will come from the new card.",
                turns=(("Found it, thank you.", "You're welcome!"),),
            ),
        ),
    ),
    Scenario(
        key="loyalty-points",
        team=TEAM,
        tags=("loyalty",),
        weight=6,
        priorities=(40, 60, 0, 0),
        subjects=("Points missing from my account", "Didn't get my loyalty points", "Double points offer"),
        openings=(),
        threads=(
            Thread(
                subjects=("Points missing from my account", "Didn't get my loyalty points"),
                openings=("I didn't get any points for my last order ({order}), and it was a big one: "
                          "{total}.",),
                reply="Sorry about that. Points are added once an order has been delivered and paid for, and "
                      "yours was stuck at 'awaiting payment' in our system. I've added the {points} points "
                      "by hand.",
                turns=(("Thanks, I can see them now.", "Enjoy spending them!"),),
            ),
            Thread(
                subjects=("Double points offer",),
                openings=("The double points weekend didn't give me double points. I should have {points} "
                          "extra.",),
                reply="Thanks for letting me know. The double points went on orders placed that weekend, but "
                      "yours was delivered on the Monday and the system missed it. I've added the extra "
                      "{points} points.",
                turns=(("Great, thank you.", "You're welcome!"),),
            ),
        ),
    ),
    Scenario(
        key="business-account",
        team=TEAM,
        tags=("business", "account-terms"),
        weight=6,
        business=True,
        priorities=(10, 70, 20, 0),
        subjects=("Paying on account", "Monthly invoicing for {company}", "Account on hold"),
        openings=(),
        threads=(
            Thread(
                subjects=("Paying on account", "Monthly invoicing for {company}"),
                openings=(
                    "We order for {company} every week and would like to pay monthly on invoice rather than "
                    "by card. Is that something you offer?",
                ),
                reply="We do: business accounts can pay on 30-day terms after a quick credit check. I've "
                      "sent the application form to your email; it takes about five minutes to fill in.",
                turns=(("Form sent back. How long does approval take?",
                        "Usually two working days, and yours has just come through: your account is now on "
                        "30-day terms with a £2,000 monthly limit."),),
                waits=True,
            ),
            Thread(
                subjects=("Account on hold", "Invoice paid but account on hold"),
                openings=(
                    "Our account was put on hold because an invoice is overdue, but we paid it on {date}. "
                    "Can you check? We have an order due tomorrow.",
                ),
                reply="Thank you, and sorry. Your payment arrived, but the bank reference didn't match the "
                      "invoice number, so it wasn't matched to your account. I've matched it by hand and "
                      "taken the account off hold, so tomorrow's order will go ahead as normal.",
                turns=(("Thank you, that's a relief.",
                        "No problem. If you use the invoice number as the payment reference, the bank "
                        "matches them automatically."),),
            ),
        ),
        notes=("Credit check passed. Terms set to 30 days, limit £2,000.",),
    ),
    Scenario(
        key="account-credit",
        team=TEAM,
        tags=("credit",),
        weight=5,
        priorities=(30, 65, 5, 0),
        subjects=("Credit not used on my order", "Account credit missing", "Where did my credit go?"),
        openings=(),
        threads=(
            Thread(
                subjects=("Credit not used on my order",),
                openings=("I had {credit} credit on my account from a previous problem, but it wasn't taken "
                          "off my last order.",),
                reply="Sorry for the confusion. The credit only applies to orders placed after it was added, "
                      "and your order was placed the day before. I've refunded {credit} to your card "
                      "instead.",
                turns=(("Oh I see. Thanks.", "You're welcome!"),),
            ),
            Thread(
                subjects=("Account credit missing", "Where did my credit go?"),
                openings=("Your colleague added some credit to my account, but I can't see it anywhere in "
                          "the app.",),
                reply="The credit is there: the app shows it on the payment step at checkout, not on the "
                      "account page. It will come off your next order automatically.",
                turns=(("Found it, thank you.", "Great, enjoy your shopping."),),
            ),
        ),
    ),
    Scenario(
        key="gift-card",
        team=TEAM,
        tags=("gift-card",),
        weight=4,
        priorities=(30, 65, 5, 0),
        short=True,
        subjects=("Gift card not working", "How do I use a gift card?"),
        openings=(),
        threads=(
            Thread(
                subjects=("Gift card not working",),
                openings=("I was given a Fresh Basket gift card for my birthday but the code says 'invalid' "
                          "at checkout.",),
                reply="Happy birthday! Gift cards need activating at the shop where they were bought, and "
                      "that hadn't happened with yours. I've activated it from here, so it will work now.",
                turns=(("It works now, thank you!", "Enjoy your shopping!"),),
            ),
            Thread(
                subjects=("How do I use a gift card?",),
                openings=("Can I use a gift card and a voucher on the same order?",),
                reply="Yes: enter the voucher code first, then the gift card on the payment step. The gift "
                      "card pays whatever is left after the discount.",
                turns=(("Perfect, thanks.", "You're welcome!"),),
            ),
        ),
    ),
    Scenario(
        key="price-match",
        team=TEAM,
        tags=("price",),
        weight=3,
        priorities=(50, 50, 0, 0),
        short=True,
        subjects=("Price promise?", "Cheaper elsewhere"),
        openings=(
            "The {product} {is} {price} with you but much cheaper in the supermarket down the road. Do you "
            "price match?",
        ),
        threads=(
            Thread(
                reply="Thanks for telling us. We don't price match item by item, but our buyers review "
                      "prices every week and I've passed this one on. Fresh Pass members also get 5% off "
                      "every fourth order.",
                turns=(("OK, thanks for letting me know.", "Thanks for shopping with us."),),
            ),
        ),
    ),
)
