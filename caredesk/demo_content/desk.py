"""How Fresh Basket has set up its desk: custom fields, canned replies and shared views."""

from .fills import AREAS

# key, label, kind, choices
CUSTOM_FIELDS = (
    ("order_number", "Order number", "number", []),
    ("delivery_area", "Delivery area", "choice", list(AREAS)),
    ("callback_requested", "Callback requested", "checkbox", []),
)

# name, body: placeholders are filled in on each ticket by the macro feature.
MACROS = (
    (
        "Refund issued",
        "Hi {{ customer.first_name }},\n\nI'm sorry about the trouble with your order. I've refunded the "
        "affected items to the card you paid with, and you'll see it in 3 to 5 working days. Your reference "
        "is {{ ticket.reference }}.\n\nBest wishes,\n{{ agent.first_name }}",
    ),
    (
        "Late delivery apology",
        "Hi {{ customer.first_name }},\n\nI'm sorry your delivery was late. I've spoken to the depot, and "
        "I've refunded your delivery charge for this order.\n\nKind regards,\n{{ agent.first_name }}\n"
        "Fresh Basket Customer Care",
    ),
    (
        "Ask for a photo",
        "Hi {{ customer.first_name }},\n\nThank you for letting us know. Could you reply with a photo of the "
        "item and its label (the batch code helps the supplier trace it)? I'll sort out a refund as soon as "
        "I have it.\n\nThanks,\n{{ agent.first_name }}",
    ),
    (
        "Change delivery slot",
        "Hi {{ customer.first_name }},\n\nNo problem: I've moved your delivery to the new slot, and you'll "
        "get a fresh confirmation email shortly. Orders can be changed in the app until 10pm the night "
        "before delivery.\n\nBest wishes,\n{{ agent.first_name }}",
    ),
    (
        "Allergen check in progress",
        "Hi {{ customer.first_name }},\n\nThank you for checking before eating it. I've asked the supplier "
        "for the current allergen sheet, and I'll come back to you as soon as I have it (reference "
        "{{ ticket.reference }}). Until then, please go by the packaging rather than the website.\n\n"
        "Kind regards,\n{{ agent.first_name }}",
    ),
    (
        "Thanks for the compliment",
        "Hi {{ customer.first_name }},\n\nThank you so much for taking the time to write. I've passed your "
        "message on to the team, and it really makes their day.\n\nAll the best,\n{{ agent.first_name }}",
    ),
)

# name, filters (as the queue's filter form stores them)
SAVED_VIEWS = (
    (
        "Urgent and high priority",
        {"status": ["new", "open", "pending_customer", "on_hold"], "priority": ["3", "4"]},
    ),
    ("Refunds", {"tag": "refund", "status": ["new", "open", "pending_customer", "on_hold"]}),
)
