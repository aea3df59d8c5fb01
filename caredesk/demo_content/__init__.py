"""What the demo desk says: Fresh Basket, a grocery-delivery business, and its customers' conversations.

Plain Python data (people, fills, phrases, desk, and the scenarios in deliveries, billing and quality),
read by caredesk.demo (the believable desk) and caredesk.seeding (benchmark tickets). compose.py fills
texts in with str.format_map from fills.fills(); replay.py plays one conversation through the services.
"""

from . import billing, deliveries, quality
from .scenario import Scenario

SCENARIOS: tuple[Scenario, ...] = deliveries.SCENARIOS + billing.SCENARIOS + quality.SCENARIOS

__all__ = ["SCENARIOS", "Scenario"]
