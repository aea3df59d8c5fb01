"""Who may see and do what. The one place these rules live: pages, API and tasks all call it.

Rules:
- admins see and work on every ticket;
- agents and leads see tickets of public teams and of the private teams they belong to, and work on
  what they see;
- sales see what agents of no private team would see, and change nothing;
- customers see only their own tickets and may only answer them (portal);
- anyone inactive or anonymous sees nothing.
"""

from django.db.models import Q

from .models import Team, User

NOTHING = Q(pk__in=[])


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_staff_member(user) -> bool:
    return _active(user) and user.role in (User.Role.AGENT, User.Role.LEAD, User.Role.ADMIN, User.Role.SALES)


def is_admin(user) -> bool:
    return _active(user) and (user.role == User.Role.ADMIN or user.is_superuser)


def can_work(user) -> bool:
    """May change tickets at all (reply, note, transfer, edit)."""
    return _active(user) and user.is_agent_like


def member_team_ids(user) -> set[int]:
    if not _active(user):
        return set()
    cached = getattr(user, "_member_team_ids", None)
    if cached is None:
        cached = set(user.memberships.values_list("team_id", flat=True))
        user._member_team_ids = cached
    return cached


def visible_tickets(user) -> Q:
    """A filter on Ticket for exactly the tickets `user` may see; can_see_ticket agrees with it."""
    if not _active(user):
        return NOTHING
    if is_admin(user):
        return Q()
    if user.role == User.Role.CUSTOMER:
        return Q(customer__user=user)
    if is_staff_member(user):
        return Q(team__is_private=False) | Q(team_id__in=member_team_ids(user))
    return NOTHING


def can_see_team(user, team: Team) -> bool:
    if is_admin(user):
        return True
    return is_staff_member(user) and (not team.is_private or team.pk in member_team_ids(user))


def can_see_ticket(user, ticket) -> bool:
    if not _active(user):
        return False
    if user.role == User.Role.CUSTOMER:
        return ticket.customer.user_id == user.pk
    return can_see_team(user, ticket.team)


def can_work_on(user, ticket) -> bool:
    return can_work(user) and can_see_ticket(user, ticket)


def can_answer_as_customer(user, ticket) -> bool:
    return _active(user) and user.role == User.Role.CUSTOMER and ticket.customer.user_id == user.pk


def can_own_tickets_of(user, team: Team) -> bool:
    """Whether `user` may be made the owner of a ticket in `team`: a working member of it."""
    return _active(user) and user.is_agent_like and team.pk in member_team_ids(user)


# --- assignment ---


def can_view_routing(user) -> bool:
    """The routing page: agents, leads and admins (agents see their teams' settings; sales and customers
    have no use for it)."""
    return can_work(user)


def routing_teams_of(user):
    """Teams whose routing `user` sees on the routing page: every team for admins, else their own."""
    if is_admin(user):
        return Team.objects.all()
    if not can_view_routing(user):
        return Team.objects.none()
    return Team.objects.filter(pk__in=member_team_ids(user))


def can_manage_routing(user, team: Team) -> bool:
    """Change a team's routing and its agents' capacity and hours: admins, and the team's own leads."""
    if is_admin(user):
        return True
    return _active(user) and user.role == User.Role.LEAD and team.pk in member_team_ids(user)


def can_set_availability(user) -> bool:
    """Say whether one takes new tickets (the switch in the top bar): those routing gives tickets to,
    agents and leads (admins see the routing link there, without a switch)."""
    return _active(user) and user.role in (User.Role.AGENT, User.Role.LEAD)


# --- handoffs ---


def can_see_handoff_report(user) -> bool:
    """The hand-off report (conversations.handoffs) is for those who manage teams: leads and admins.
    Agents see each ticket's hand-offs on the ticket and run-arounds flagged in the queue; sales and
    customers never see it. Its rows are still limited to the teams the user may see."""
    return is_admin(user) or (_active(user) and user.role == User.Role.LEAD)


# --- promises ---


def can_handle_promises_on(user, ticket) -> bool:
    """Record, keep or cancel promises on a ticket: whoever may work on it (never sales or customers)."""
    return can_work_on(user, ticket)


def can_own_promise_on(user, ticket) -> bool:
    """Who may be made answerable for a promise on a ticket: an active agent, lead or admin who may work on it."""
    return can_work_on(user, ticket)


# --- calendars ---


def can_view_calendars(user) -> bool:
    """Agents, leads and admins read the business calendars their targets and promises count in."""
    return can_work(user)


def can_edit_calendars(user) -> bool:
    """Only admins change working hours, holidays and which team uses which calendar."""
    return is_admin(user)


# --- escalations ---


def can_escalate(user, ticket) -> bool:
    """Any agent, lead or admin who may work on the ticket may escalate it (sales and customers may not)."""
    return can_work_on(user, ticket)


def lead_team_ids(user) -> set[int]:
    """The teams `user` leads: a lead is at level 1 of the ladder of every team they are a member of."""
    if not _active(user) or user.role != User.Role.LEAD:
        return set()
    return member_team_ids(user)


def is_at_escalation_level(user, *, level: int, team_id: int, manager_id: int | None, escalation_team_id: int | None) -> bool:
    """Whether `user` is one of the people an escalation at `level` of `team_id`'s ladder goes to:
    level 1 is the team's leads, level 2 the ladder's manager and the escalation team's working staff.
    Admins are at every level (and take level 1 of a team that has no lead)."""
    if not _active(user):
        return False
    if is_admin(user):
        return True
    if level == 1:
        return team_id in lead_team_ids(user)
    return (manager_id is not None and manager_id == user.pk) or (
        escalation_team_id is not None and user.is_agent_like and escalation_team_id in member_team_ids(user)
    )


def escalations_at_level_of(user) -> Q:
    """A filter on Escalation for those whose level `user` is at (is_at_escalation_level agrees with it)."""
    if not _active(user):
        return NOTHING
    if is_admin(user):
        return Q()
    at_level = Q(level=2, team__escalation_ladder__manager=user)
    if user.is_agent_like and (teams := member_team_ids(user)):
        at_level |= Q(level=2, team__escalation_ladder__escalation_team_id__in=teams)
    if leads := lead_team_ids(user):
        at_level |= Q(level=1, team_id__in=leads)
    return at_level


def visible_escalations(user) -> Q:
    """Escalations on the board of `user`: those at their level, and those they raised (read-only), on
    tickets they may see. Sales and customers see none."""
    if not (_active(user) and user.is_agent_like):
        return NOTHING
    if is_admin(user):
        return Q()  # (an empty Q would vanish from the OR below)
    raised = Q(raised_by=user) | Q(previous__raised_by=user)
    return (escalations_at_level_of(user) | raised) & _prefixed(visible_tickets(user), "ticket")


def _prefixed(condition: Q, prefix: str) -> Q:
    """The same filter on a related model: Q(team_id=1) becomes Q(ticket__team_id=1)."""
    clone = Q()
    clone.connector, clone.negated = condition.connector, condition.negated
    clone.children = [
        _prefixed(child, prefix) if isinstance(child, Q) else (f"{prefix}__{child[0]}", child[1])
        for child in condition.children
    ]
    return clone


def can_see_ladders(user) -> bool:
    return is_admin(user) or (_active(user) and user.role == User.Role.LEAD)


def can_edit_ladders(user) -> bool:
    return is_admin(user)


# --- automations ---


def can_view_automations(user) -> bool:
    """Team leads read the rules and their dry runs; admins also edit them."""
    return _active(user) and (is_admin(user) or user.role == User.Role.LEAD)


def can_edit_automations(user) -> bool:
    return is_admin(user)


# --- service_levels ---


def can_view_service_levels(user) -> bool:
    """The service target settings page: agents, leads and admins read it (they work to it)."""
    return _active(user) and (user.is_agent_like or is_admin(user))


def can_edit_service_levels(user) -> bool:
    """Creating, changing, reordering and deleting policies: admins only."""
    return is_admin(user)


# --- quality ---


def can_score_replies(user) -> bool:
    """The live reply scorer (composer panel, API) is a writing aid for those who reply: agents, leads
    and admins. Sales change nothing and customers never see scores."""
    return can_work(user)


def can_see_reply_scores(user, ticket) -> bool:
    """The stored scores of a ticket's replies: staff who may see the ticket; never customers."""
    return is_staff_member(user) and can_see_ticket(user, ticket)


# --- kudos ---


def kudos_wall_teams(user):
    """Teams whose kudos wall `user` sees: staff (sales too: praise is good news to share) see the walls of
    the teams they may see, so a private team's wall only its members (and admins)."""
    if is_admin(user):
        return Team.objects.all()
    if not is_staff_member(user):
        return Team.objects.none()
    return Team.objects.filter(Q(is_private=False) | Q(pk__in=member_team_ids(user)))


def can_see_kudos_wall(user, team: Team) -> bool:
    return is_staff_member(user) and can_see_team(user, team)


def can_see_kudos_of(user, person) -> bool:
    """A person's kudos page: themselves, admins, and staff who may see one of the person's teams (the page
    then lists only the compliments on walls they may see)."""
    if not is_staff_member(user) or not person.is_active:
        return False
    if user.pk == person.pk or is_admin(user):
        return True
    return kudos_wall_teams(user).filter(memberships__user=person).exists()


def can_log_kudos(user) -> bool:
    """Log a compliment received elsewhere: those who work tickets (never sales or customers)."""
    return can_work(user)


def can_receive_kudos(person, team: Team) -> bool:
    """Who a compliment on `team`'s wall can be for: an active agent, lead or admin who is a member."""
    return _active(person) and person.is_agent_like and team.memberships.filter(user=person).exists()


def can_classify_messages(user) -> bool:
    """The classify endpoint: staff (it reads customers' words the way the desk does); never customers."""
    return is_staff_member(user)


# --- surveys ---


def can_edit_survey_settings(user) -> bool:
    """Which surveys are sent, when and how: admins only."""
    return is_admin(user)


def can_see_survey_rates(user) -> bool:
    """The response-rates page: team leads and admins (its rows are still limited to teams they see)."""
    return is_admin(user) or (_active(user) and user.role == User.Role.LEAD)


def visible_follow_ups(user) -> Q:
    """A filter on surveys.FollowUp: admins see all, leads those of the teams they lead, nobody else any
    (an agent's low score goes to their lead, not to their colleagues)."""
    if is_admin(user):
        return Q()
    if leads := lead_team_ids(user):
        return Q(team_id__in=leads)
    return NOTHING


def can_handle_follow_up(user, follow_up) -> bool:
    """Mark a follow-up handled: admins, and leads of its team (visible_follow_ups agrees)."""
    return is_admin(user) or follow_up.team_id in lead_team_ids(user)


def can_answer_survey(user, ticket) -> bool:
    """Answer a survey in the portal: the ticket's own customer (answer links need no log-in)."""
    return can_answer_as_customer(user, ticket)


# --- coaching ---


def can_review(user, ticket) -> bool:
    """Review a conversation with the scorecard, or mark one of its replies as a training example:
    admins, and the leads of the ticket's team (never agents, sales or customers; a lead of another team
    may not, public team or private)."""
    if is_admin(user):
        return True
    return ticket.team_id in lead_team_ids(user)


def can_change_review(user, review) -> bool:
    """Correct a review: the lead who wrote it, while they may still review the ticket, and admins.
    (Another lead of the team writes a review of their own; the reviewed agent reads it.)"""
    if is_admin(user):
        return True
    return review.reviewer_id == user.pk and can_review(user, review.ticket)


def can_use_coaching(user) -> bool:
    """The coaching pages and the training library: agents, leads and admins (sales and customers have
    no coaching and see none of it)."""
    return can_work(user)


def coached_agents(user):
    """The people whose coaching pages `user` may open: everyone for admins, the members of the teams a
    lead leads (and the lead), an agent themselves only."""
    if is_admin(user):
        return User.objects.filter(is_active=True)
    if not can_use_coaching(user):
        return User.objects.none()
    if leads := lead_team_ids(user):
        return User.objects.filter(Q(memberships__team_id__in=leads) | Q(pk=user.pk)).distinct()
    return User.objects.filter(pk=user.pk)


def can_see_coaching_of(user, agent) -> bool:
    """coached_agents(user) contains `agent`, without a query for admins and for one's own page."""
    if not can_use_coaching(user):
        return False
    if is_admin(user) or user.pk == agent.pk:
        return True
    return bool(lead_team_ids(user) & member_team_ids(agent))


def visible_reviews(user) -> Q:
    """A filter on Review: all for admins, their teams' for leads (and the reviews of their own work),
    an agent's own reviews for agents, none for sales and customers."""
    if not can_use_coaching(user):
        return NOTHING
    if is_admin(user):
        return Q()
    own = Q(agent=user)
    if leads := lead_team_ids(user):
        return own | Q(ticket__team_id__in=leads)
    return own


def visible_training_examples(user) -> Q:
    """A filter on TrainingExample: those on tickets `user` may see (a private team's replies stay in
    the team), for agents, leads and admins."""
    if not can_use_coaching(user):
        return NOTHING
    return _prefixed(visible_tickets(user), "ticket")


def can_change_coaching_settings(user, team: Team) -> bool:
    """A team's weekly review sample (on or off, how many): its leads and admins."""
    return is_admin(user) or team.pk in lead_team_ids(user)


# --- reports ---


def can_see_reports(user) -> bool:
    """The dashboards, their drill-downs and exports, and the care standard (read): leads, admins and
    sales. Agents get 404: their own figures are on their coaching page."""
    return is_admin(user) or (_active(user) and user.role in (User.Role.LEAD, User.Role.SALES))


def can_edit_standard(user) -> bool:
    """What "very good" means is the business's call: admins only."""
    return is_admin(user)
