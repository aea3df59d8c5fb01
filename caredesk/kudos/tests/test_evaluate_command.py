"""caredesk kudos evaluate PATH: the figures, and files it cannot read."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

TRAIN = Path(__file__).resolve().parent.parent / "data" / "messages_train.jsonl"


def _write(tmp_path, rows) -> Path:
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    return path


def test_it_prints_precision_recall_and_f1_per_kind_and_for_names(tmp_path):
    path = _write(tmp_path, [
        {"message": "Priya was brilliant.", "kind": "compliment", "praised_names": ["Priya"]},
        {"message": "My parcel is late.", "kind": "complaint", "praised_names": []},
        {"message": "Do you sell gift cards?", "kind": "question", "praised_names": []},
        {"message": "Do you deliver on Sundays?", "kind": "mixed", "praised_names": ["Dan"]},
    ])
    out = StringIO()
    call_command("kudos", "evaluate", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["kind", "precision", "recall", "F1", "support"]
    assert lines[1].split() == ["compliment", "1.00", "1.00", "1.00", "1"]
    assert lines[3].split() == ["question", "0.50", "1.00", "0.67", "1"]
    assert lines[4].split() == ["mixed", "0.00", "0.00", "0.00", "1"]
    assert lines[5] == "accuracy 0.75 over 4 messages"
    assert lines[6] == "praised names: precision 1.00, recall 0.50 (1 found, 0 wrongly, 1 missed)"


def test_the_training_set_is_large_varied_and_reads(tmp_path):
    rows = [json.loads(line) for line in TRAIN.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 150
    assert {row["kind"] for row in rows} == {"compliment", "complaint", "question", "mixed"}
    assert len({row["id"] for row in rows}) == len(rows)
    out = StringIO()
    call_command("kudos", "evaluate", str(TRAIN), stdout=out)
    assert f"over {len(rows)} messages" in out.getvalue()


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("not json\n", "line 1: not JSON"),
        ('{"message": "hi", "kind": "praise"}\n', 'line 1: needs a "message" string and a "kind"'),
        ('{"message": "hi", "kind": "question", "praised_names": "Tom"}\n', 'line 1: "praised_names" must be a list'),
        ("\n\n", "has no labelled messages"),
    ],
)
def test_a_file_it_cannot_read_is_refused_saying_where(tmp_path, content, error):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=error) as raised:
        call_command("kudos", "evaluate", str(path))
    assert raised.value.returncode == 2


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("kudos", "evaluate", str(tmp_path / "nope.jsonl"))
