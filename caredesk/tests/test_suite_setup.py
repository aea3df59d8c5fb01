"""How the suite sets itself up (caredesk/conftest.py): the packages it installs, the order of its files."""

from types import SimpleNamespace

from caredesk.conftest import CHROMIUM, PACKAGES, pytest_collection_modifyitems
from caredesk.mail.tests import imap_server


def _item(nodeid: str, *, slow: bool = False):
    return SimpleNamespace(nodeid=nodeid, get_closest_marker=lambda name: object() if slow and name == "slow" else None)


def test_files_with_a_slow_test_go_first_then_the_biggest_and_each_file_stays_together_in_its_order():
    items = [
        _item("a.py::one"), _item("b.py::one"), _item("b.py::two"),
        _item("c.py::one"), _item("c.py::two", slow=True), _item("a.py::two"), _item("a.py::three"),
    ]
    pytest_collection_modifyitems(None, items)
    assert [item.nodeid for item in items] == [
        "c.py::one", "c.py::two", "a.py::one", "a.py::two", "a.py::three", "b.py::one", "b.py::two",
    ]


def test_the_packages_installed_at_the_start_are_where_the_tests_look_for_them():
    assert PACKAGES == {"chromium": CHROMIUM, "dovecot-imapd": imap_server.DOVECOT}
