"""The comment commands: spam-eval, commenter export and erasure, IP purging."""

import csv
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from dateline.comments.models import Comment
from dateline.comments.tests.conftest import make_comment
from dateline.testing import DATA


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


def test_spam_eval_reads_the_sms_collection_as_it_ships_and_reports_by_length_and_threshold():
    out = StringIO()
    call_command("spam_eval", str(DATA / "SMSSpamCollection"), stdout=out)
    report = out.getvalue()
    assert report.startswith("5574 texts (747 spam, 4827 legitimate), 5-fold stratified, seed 0\n")
    lines = {line.split("  ")[1].strip(): line.split() for line in report.splitlines() if line.startswith("  ")}
    held = lines["held or filed as spam (>= 0.9)"]
    precision, recall, f1 = (float(value) for value in held[7:10])
    assert precision >= 0.98 and recall >= 0.90 and f1 >= 0.95
    for label in ("filed as spam (>= 0.99)", "up to 40 characters", "41 to 160 characters", "over 160 characters"):
        assert label in lines
    assert [key for key in lines if key.startswith(">= ")] == [
        f">= {t}" for t in ("0.5", "0.8", "0.9", "0.95", "0.98", "0.99", "0.995", "0.999")
    ]


def test_spam_eval_reads_a_csv_and_takes_the_thresholds(tmp_path):
    spam = [f"cheap pills casino bonus offer number {n} click now" for n in range(40)]
    ham = [f"the army advanced near Deir Ezzur, sources said on day {n}" for n in range(60)]
    corpus = write_csv(tmp_path / "corpus.csv", [(t, 1) for t in spam] + [(t, 0) for t in ham])
    out = StringIO()
    call_command("spam_eval", str(corpus), "--folds", "4", "--hold", "0.7", "--spam", "0.97", stdout=out)
    report = out.getvalue()
    assert "100 texts (40 spam, 60 legitimate), 4-fold stratified, seed 0" in report
    assert "held or filed as spam (>= 0.7)       1.000   1.000  1.000" in report
    assert "filed as spam (>= 0.97)" in report and ">= 0.7 " in report


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("only ham", 0)] * 5, "both spam"),
        ([("x", 2)], "label must be 0 or 1"),
    ],
)
def test_spam_eval_refuses_bad_files(tmp_path, rows, message):
    with pytest.raises(CommandError, match=message):
        call_command("spam_eval", str(write_csv(tmp_path / "bad.csv", rows)), stdout=StringIO())


def test_spam_eval_refuses_a_missing_file_and_a_broken_tab_separated_line(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("spam_eval", str(tmp_path / "missing.csv"), stdout=StringIO())
    broken = tmp_path / "sms.txt"
    broken.write_text("ham\tFine.\nspam no tab here\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Line 2: expected ham or spam"):
        call_command("spam_eval", str(broken), stdout=StringIO())


def test_spam_eval_needs_the_columns(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("message,spam\nhello,0\n")
    with pytest.raises(CommandError, match="text and label"):
        call_command("spam_eval", str(path), stdout=StringIO())


def test_export_commenter_prints_all_their_data(article):
    make_comment(article, email="Omid@Example.org", body="One", ip_address="203.0.113.5")
    make_comment(article, email="other@example.org", body="Not theirs")
    out = StringIO()
    call_command("export_commenter", "omid@example.org", stdout=out)
    data = json.loads(out.getvalue())
    assert [c["comment"] for c in data["comments"]] == ["One"]
    assert data["comments"][0]["ip_address"] == "203.0.113.5"


def test_erase_commenter_keeps_threads_with_tombstones(article):
    root = make_comment(article, email="gone@example.org", body="Replied to")
    reply = make_comment(article, parent=root, email="stays@example.org", body="A reply")
    alone = make_comment(article, email="gone@example.org", body="Nobody answered")
    own_reply = make_comment(article, parent=alone, email="gone@example.org", body="Talking to myself")
    out = StringIO()
    call_command("erase_commenter", "gone@example.org", stdout=out)
    assert "Erased 2 comment(s) and empty 1" in out.getvalue()
    assert not Comment.objects.filter(pk__in=[alone.pk, own_reply.pk]).exists()
    root.refresh_from_db()
    assert (root.name, root.email, root.body, root.ip_address) == ("", "", "", None)
    assert root.erased_at is not None
    assert Comment.objects.get(pk=reply.pk).parent_id == root.pk
    assert not Comment.objects.filter(email="gone@example.org").exists()


def test_erased_comment_shows_as_a_placeholder(article, client):
    root = make_comment(article, email="gone@example.org", body="Replied to")
    make_comment(article, parent=root, body="A reply")
    call_command("erase_commenter", "gone@example.org", stdout=StringIO())
    html = client.get(article.url).content.decode()
    assert "This comment was removed at its author’s request." in html
    assert "A reply" in html
    assert "Replied to" not in html


def test_purge_comment_ips_forgets_old_addresses(article, policy):
    old = make_comment(article, ip_address="203.0.113.1", body="old")
    Comment.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=31))
    recent = make_comment(article, ip_address="203.0.113.2", body="recent")
    out = StringIO()
    call_command("purge_comment_ips", stdout=out)
    assert "Deleted the IP addresses of 1 comment(s) older than 30 days." in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip_address is None and recent.ip_address == "203.0.113.2"
