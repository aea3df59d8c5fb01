"""The details a conversation is filled in with: products, prices, slots, dates, order numbers.

fills(rng, when) returns one ticket's details; scenario texts use them as {product}, {order}, ...
"""

import random
from datetime import datetime, timedelta

from .people import DRIVERS

# name, pack, price in pence, what pickers substitute when it is out of stock, plural, kinds
PRODUCTS = (
    ("free-range eggs", "12", 365, "barn eggs", True, {"fresh"}),
    ("semi-skimmed milk", "4 pints", 165, "skimmed milk", False, {"chilled"}),
    ("wholemeal loaf", "800g", 145, "white sliced loaf", False, {"fresh", "bakery"}),
    ("sourdough bloomer", "600g", 280, "seeded batch loaf", False, {"fresh", "bakery"}),
    ("Braeburn apples", "6", 210, "Gala apples", True, {"fresh", "produce"}),
    ("bananas", "5", 95, "baby bananas", True, {"fresh", "produce"}),
    ("cherry tomatoes", "250g", 120, "vine tomatoes", True, {"fresh", "produce"}),
    ("Greek yoghurt", "500g", 199, "natural yoghurt", False, {"chilled"}),
    ("chicken thighs", "1kg", 450, "chicken drumsticks", True, {"chilled", "meat", "weighed"}),
    ("salmon fillets", "2", 475, "trout fillets", True, {"chilled", "meat", "weighed"}),
    ("oat milk", "1L", 185, "soya milk", False, set()),
    ("mature cheddar", "400g", 375, "mild cheddar", False, {"chilled", "weighed"}),
    ("unsalted butter", "250g", 235, "salted butter", False, {"chilled"}),
    ("baby spinach", "200g", 150, "watercress", False, {"fresh", "produce", "chilled"}),
    ("basmati rice", "1kg", 249, "long grain rice", False, set()),
    ("frozen peas", "900g", 160, "frozen petits pois", True, set()),
    ("Maris Piper potatoes", "2.5kg", 199, "King Edward potatoes", True, {"fresh", "produce", "weighed"}),
    ("avocados", "2", 220, "a ready-to-eat avocado", True, {"fresh", "produce"}),
    ("beef mince", "500g", 399, "pork mince", False, {"chilled", "meat"}),
    ("gluten-free bread", "400g", 300, "gluten-free wraps", False, {"fresh", "bakery"}),
    ("strawberries", "400g", 325, "raspberries", True, {"fresh", "produce"}),
    ("fresh orange juice", "1L", 230, "orange juice from concentrate", False, {"chilled"}),
    ("houmous", "200g", 125, "reduced-fat houmous", False, {"chilled"}),
    ("porridge oats", "1kg", 110, "instant oats", True, set()),
    ("coffee beans", "227g", 450, "ground coffee", True, set()),
    ("almond butter", "170g", 395, "peanut butter", False, set()),
    ("lamb shoulder", "1.2kg", 1150, "lamb leg steaks", False, {"chilled", "meat", "weighed"}),
    ("vegan sausages", "6", 300, "vegetarian sausages", True, {"chilled"}),
    ("blueberries", "150g", 200, "mixed berries", True, {"fresh", "produce"}),
    ("crumpets", "6", 85, "English muffins", True, {"fresh", "bakery"}),
)
SINGULAR = {"is": "is", "Is": "Is", "was": "was", "has": "has", "it": "it", "It": "It", "they": "it"}
PLURAL = {"is": "are", "Is": "Are", "was": "were", "has": "have", "it": "them", "It": "They", "they": "they"}

SLOTS = (
    "7–8am",
    "8–9am",
    "9–10am",
    "10–11am",
    "12–1pm",
    "2–3pm",
    "4–5pm",
    "5–6pm",
    "6–7pm",
    "7–8pm",
    "8–9pm",
)
AREAS = (
    "Northgate",
    "Riverside",
    "Old Town",
    "Harbourside",
    "Westfield",
    "Hillcrest",
    "St Jude's",
    "Eastbrook",
)
VOUCHERS = (("WELCOME10", "£10 off"), ("SPRING5", "£5 off"), ("FRESH15", "15% off"), ("BASKET20", "£20 off"))
# Allergens a bakery product may or may not contain (the allergy questions are about bread).
ALLERGENS = ("peanuts", "tree nuts", "sesame", "soya", "mustard", "lupin")
STREETS = (
    "Elm Grove",
    "Victoria Road",
    "Church Lane",
    "Mill Street",
    "Albert Terrace",
    "Orchard Close",
    "Station Road",
    "Beech Avenue",
    "Kingfisher Way",
    "Rosemary Court",
)
NEIGHBOUR_NUMBERS = ("12", "14", "21", "3a", "7", "45", "9", "28")


def pounds(pence: int) -> str:
    return f"£{pence // 100}.{pence % 100:02d}"


def fills(
    rng: random.Random,
    when: datetime,
    *,
    kind: str = "",
    customer_first: str = "",
    customer_name: str = "",
    company: str = "",
) -> dict:
    """One ticket's details. `kind` narrows the main product ("chilled", "fresh", "meat", ...); the
    words that agree with it ({is}, {was}, {it}, {It}, {they}, {has}) come along."""
    candidates = [row for row in PRODUCTS if kind in row[5]] if kind else PRODUCTS
    product, pack, price, substitute, plural, _ = rng.choice(candidates)
    product2 = rng.choice([row[0] for row in PRODUCTS if row[0] != product])
    quantity = rng.choice((1, 1, 1, 2, 2, 3))
    total = rng.randrange(2800, 14800)
    voucher, voucher_value = rng.choice(VOUCHERS)
    slot_index = rng.randrange(len(SLOTS) - 1)
    order = rng.randrange(300000, 999999)
    return {
        "first_name": customer_first or "there",
        "customer": customer_name,
        "company": company or "our office",
        "order": order,
        "order2": order + rng.randrange(1, 40),
        "product": product,
        "pack": f"{product} ({pack})",
        "product2": product2,
        "substitute": substitute,
        "quantity": quantity,
        "price": pounds(price),
        "line_total": pounds(price * quantity),
        "total": pounds(total),
        "half_total": pounds(total // 2),
        "voucher": voucher,
        "voucher_value": voucher_value,
        "slot": SLOTS[slot_index],
        "later_slot": SLOTS[slot_index + 1],
        "day": when.strftime("%A"),
        "tomorrow": (when + timedelta(days=1)).strftime("%A"),
        "date": f"{when.day} {when:%B}",
        "driver": rng.choice(DRIVERS),
        "area": rng.choice(AREAS),
        "street": rng.choice(STREETS),
        "neighbour": rng.choice(NEIGHBOUR_NUMBERS),
        "card": f"{rng.randrange(1000, 9999)}",
        "allergen": rng.choice(ALLERGENS),
        "points": rng.choice((150, 200, 250, 300, 450, 500, 750)),
        "minutes": rng.choice((40, 45, 50, 60, 75, 90)),
        "bags": rng.choice((2, 3, 4, 5)),
        "credit": pounds(rng.choice((300, 500, 500, 750, 1000))),
        "pass_price": "£7.99",
        "refund_days": rng.choice(("3 to 5 working days", "up to 5 working days", "2 to 3 working days")),
    } | (PLURAL if plural else SINGULAR)
