"""caredesk quality train|evaluate|rescore, called as the shell would."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caredesk.conversations import hooks, services as conversations
from caredesk.quality.models import ReplyScore
from caredesk.quality.scoring import model, training

LINES = [
    {"id": "x-1", "customer_message": "My parcel is late.", "reply": "Hi Jo, so sorry it's late! I've sent a new one today, it arrives tomorrow.",
     "labels": {"warm": True, "interested": True, "willing": True, "positive": True, "empathy": True, "polite": None}},
    {"id": "x-2", "customer_message": "My parcel is late.", "reply": "You must contact the courier.",
     "labels": {"warm": False, "interested": False, "willing": False, "positive": False, "empathy": False, "polite": False}},
    {"id": "x-3", "customer_message": "", "reply": "Could you please send the order number?",
     "labels": {"warm": False, "interested": False, "willing": False, "positive": True, "empathy": False, "polite": True}},
]


def _write(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_evaluate_prints_precision_recall_f1_per_behaviour_and_times(tmp_path):
    out = StringIO()
    call_command("quality", "evaluate", str(_write(tmp_path / "tiny.jsonl", LINES)), stdout=out)
    text = out.getvalue()
    assert text.startswith(f"3 replies in {tmp_path / 'tiny.jsonl'}\n")
    assert "warm             1.00    1.00   1.00        1" in text
    assert "  = null         1.00    1.00   1.00        1" in text
    assert "polite outcome exactly right (true/false/null): 1.00" in text
    assert "scoring time per reply: p50 " in text


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json\n", "line 1: "),
        (json.dumps({"reply": "Hi", "labels": {"warm": True}}) + "\n", "line 1: 'interested'"),
        (json.dumps({**LINES[0], "labels": {**LINES[0]["labels"], "warm": None}}) + "\n", "line 1: warm must be true or false"),
        ("", "holds no labelled replies"),
    ],
)
def test_evaluate_refuses_a_bad_file_saying_where(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("quality", "evaluate", str(path))


def test_evaluate_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("quality", "evaluate", str(tmp_path / "nope.jsonl"))


def test_train_writes_a_weights_file_with_a_model_per_behaviour(tmp_path):
    out = StringIO()
    target = tmp_path / "weights.json"
    call_command("quality", "train", "--data", str(_write(tmp_path / "tiny.jsonl", LINES)), "--out", str(target), stdout=out)
    weights = json.loads(target.read_text())
    assert sorted(weights) == ["empathy", "interested", "polite", "positive", "warm", "willing"]
    assert out.getvalue().startswith(f"Trained on 3 replies; wrote {target}")
    assert model.load() != weights  # the committed weights are untouched


def test_rescore_scores_every_reply_without_a_score_once(ticket, alice):
    with hooks.history():
        conversations.reply(ticket, by=alice, body="Hi, I've refunded it today.")
        conversations.reply(ticket, by=alice, body="Could you please send a photo?")
    out = StringIO()
    call_command("quality", "rescore", stdout=out)
    call_command("quality", "rescore", stdout=out)
    assert out.getvalue() == "Scored 2 replies.\nScored 0 replies.\n"
    assert ReplyScore.objects.count() == 2


def test_authors_trains_on_every_author_but_one_and_scores_that_one(tmp_path):
    first = _write(tmp_path / "replies_train.jsonl", LINES)
    second = _write(tmp_path / "replies_author_b_train.jsonl", [{**line, "id": f"b-{i}"} for i, line in enumerate(LINES)])
    out = StringIO()
    call_command("quality", "authors", "--data", str(second), str(first), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Replies per author: A 3, B 3"
    assert lines[1].split() == ["behaviour", "others", "→", "A", "others", "→", "B", "mean", "F1"]
    assert [line.split()[0] for line in lines[2:8]] == ["warm", "interested", "willing", "positive", "empathy", "polite"]


def test_authors_refuses_a_single_author(tmp_path):
    with pytest.raises(CommandError, match="at least two authors"):
        call_command("quality", "authors", "--data", str(_write(tmp_path / "replies_train.jsonl", LINES)))


@pytest.mark.parametrize(
    "name, author",
    [("replies_train.jsonl", "A"), ("replies_author_b_train.jsonl", "B"), ("data/replies_author_c_train.jsonl", "C")],
)
def test_a_training_file_names_its_author(name, author):
    assert training.author(name) == author
