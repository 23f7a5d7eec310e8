"""The review queue (registry/review.py, web/review.py): which ratings a person should confirm
and why, the quotes of both sides, and a person's confirmation or override: it leaves the
queue, outranks every later rating of the rules and is audited.

The data are the package's example reports (西安市 2023 reviewing 西咸新区's 2022 targets on
estimates) and tests/data/reports/province_2026.txt (a 2026 plan that states an estimate for
its own year): no shared material is needed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import REPORTS
from workreport import registry
from workreport.errors import InputError, NotFoundError
from workreport.registry import review
from workreport.registry.users import add_user
from workreport.store import Database, queries
from workreport.track import TrackRow, track
from workreport.web import Settings, create_app

EXAMPLES = Path(str(resources.files("workreport").joinpath("examples")))
PASSWORD = "correct horse battery"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    registry.ingest(
        database,
        [EXAMPLES / "example_city_2023.txt", EXAMPLES / "example_newarea_2022.txt", REPORTS / "province_2026.txt"],
    )
    add_user(database, "ed", PASSWORD, "editor")
    add_user(database, "vi", PASSWORD, "viewer")
    yield database
    database.close()


def codes(item: review.ReviewItem) -> set[str]:
    return {r.code for r in item.reasons}


# --------------------------------------------------------------------------- what is queued, and why


def test_generic_labels() -> None:
    for label in ("水泥", "出口", "新开工", "总投资", "完成投资", "要再投资", "收入", "拟安排"):
        assert review.generic_label(label), label
    for label in ("固定资产投资", "城镇居民人均可支配收入", "规模以上工业增加值", "赤字率", "城镇新增就业"):
        assert not review.generic_label(label), label


def _row(**changes: object) -> TrackRow:
    base = TrackRow(
        commitment_id=1, jurisdiction="甲", indicator_id=None, indicator="固定资产投资", period=2020,
        target={"value": 8.0, "document_id": 1, "start": 0, "end": 2, "quote": "8%"},
        outcome={"value": 9.0, "kind": "actual", "document_id": 2, "start": 5, "end": 7, "quote": "9%"},
        status="met", provisional=False, rule="", rater="rules",
    )
    for k, v in changes.items():
        setattr(base, k, v)
    return base


def test_reasons_of_a_rating() -> None:
    assert review.reasons(_row()) == []  # a strong, actual, other-report rating needs nobody
    competing = _row(outcome=None, status="unknown", review="两个结果相互竞争：请人工确认")
    assert [r.code for r in review.reasons(competing)] == ["competing"]
    weak = _row(outcome=None, status="unknown", review="指标表述匹配较弱：请人工确认", indicator="投资")
    assert [r.code for r in review.reasons(weak)] == ["weak", "generic"]
    estimate = _row(provisional=True, outcome={"value": 9.0, "kind": "estimate", "document_id": 1})
    assert [r.code for r in review.reasons(estimate)] == ["estimate", "same_report"]
    generic = review.reasons(_row(indicator="水泥"))
    assert [r.code for r in generic] == ["generic"] and generic[0].detail == "水泥"
    # every reason is a Chinese sentence
    for r in review.reasons(estimate) + review.reasons(weak) + review.reasons(competing):
        assert re.search(r"[\u4e00-\u9fff]", r.text)
    # decided by a person, not yet due, or no outcome and nothing to choose from: not queued
    assert review.reasons(_row(rater="ed", provisional=True)) == []
    assert review.reasons(_row(status="not_yet_due", outcome=None, indicator="水泥")) == []
    assert review.reasons(_row(status="unknown", outcome=None, indicator="水泥")) == []


def test_queue_lists_weak_ratings_with_both_quotes(db: Database) -> None:
    q = review.queue(db, per_page=200)
    assert q.total == len(q.items) >= 2
    by_place = {(i.row.jurisdiction, i.row.period): i for i in q.items}
    # 西咸新区's 2022 targets rated on the city's estimates (预计)
    estimated = [i for i in q.items if i.row.jurisdiction == "西咸新区"]
    assert estimated and all("estimate" in codes(i) for i in estimated)
    assert all(i.row.rater == "rules" and i.row.status != "not_yet_due" for i in q.items)
    # 陕西省 2026: the outcome is an estimate in the plan report itself
    shaanxi = by_place[("陕西省", 2026)]
    assert {"estimate", "same_report"} <= codes(shaanxi)
    assert shaanxi.target.document_id == shaanxi.outcomes[0].document_id
    # both quotes with the words around them and links to their spans in the reader
    for item in q.items:
        assert item.target.quote and item.target.href and re.match(r"/documents/\d+#f-\d+-\d+$", item.target.href)
        assert item.outcomes and item.outcomes[0].quote and item.outcomes[0].href
        assert item.target.before or item.target.after
    assert q.by_reason["estimate"] == len([i for i in q.items if "estimate" in codes(i)])
    only = review.queue(db, reason="same_report")
    assert only.total == q.by_reason["same_report"] and all("same_report" in codes(i) for i in only.items)
    assert review.queue(db, jurisdiction="西咸新区").total == len(estimated)
    with pytest.raises(InputError):
        review.queue(db, reason="whim")


# --------------------------------------------------------------------------- decisions


def _state(db: Database, cid: int) -> TrackRow:
    (row,) = [r for r in track(db) if r.commitment_id == cid]
    return row


def test_confirm_makes_the_rating_a_persons_and_leaves_the_queue(db: Database) -> None:
    item = review.queue(db, jurisdiction="西咸新区").items[0]
    cid, status = item.row.commitment_id, item.row.status
    decision = review.confirm(db, cid, who="ed", expected=status, note="核对了统计公报")
    assert decision.changed and decision.before == decision.after == status
    row = _state(db, cid)
    assert row.status == status and row.rater == "ed" and row.match == "person" and not row.provisional
    assert cid not in {i.row.commitment_id for i in review.queue(db, per_page=200).items}
    # the history has the person's assessment; the audit log who, when, before and after
    history = queries.assessments(db, cid)
    assert history[-1]["rater"] == "ed" and history[-1]["rule"] == "confirmed"
    assert history[-1]["note"] == "核对了统计公报"
    entry = queries.audit_log(db, limit=1)[0]
    assert (entry["who"], entry["action"], entry["entity"], entry["entity_key"]) == ("ed", "confirm", "commitment", str(cid))
    assert entry["at"] and entry["before"]["rater"] == "rules" and entry["after"]["rater"] == "ed"
    assert entry["before"]["status"] == entry["after"]["status"] == status
    assert entry["before"]["outcome"]["quote"]
    # a second click changes nothing and logs nothing
    again = review.confirm(db, cid, who="ed", expected=status)
    assert not again.changed and queries.audit_log(db, limit=1)[0] == entry


def test_override_outranks_every_later_rating_of_the_rules(db: Database) -> None:
    items = review.queue(db, jurisdiction="西咸新区", per_page=200).items
    item = next(i for i in items if i.row.status == "met")
    cid = item.row.commitment_id
    review.override(db, cid, "missed", who="ed", note="预计数后来下调")
    assert _state(db, cid).status == "missed"
    entry = queries.audit_log(db, limit=1)[0]
    assert entry["action"] == "override" and entry["before"]["status"] == "met" and entry["after"]["status"] == "missed"
    # the rules rate the target again when its outcome changes (a correction of the outcome
    # fact): they record their new rating, but the person's decision stands
    outcome = item.outcomes[0]
    fact = next(
        f for f in queries.facts(db, document_id=outcome.document_id, per_page=500).items
        if (f["start"], f["end"]) == (outcome.start, outcome.end)
    )
    rules_before = [a for a in queries.assessments(db, cid) if a["rater"] == "rules"]
    registry.correct(db, fact["id"], {"kind": "actual", "value": str(fact["value"] * 0.5)}, who="ed")
    rules_after = [a for a in queries.assessments(db, cid) if a["rater"] == "rules"]
    assert len(rules_after) == len(rules_before) + 1  # the rules did rate it again
    assert rules_after[-1]["status"] != "met" or rules_after[-1]["evidence"] != rules_before[-1]["evidence"]
    row = _state(db, cid)
    assert row.status == "missed" and row.rater == "ed"
    # and a re-ingest of the same reports changes nothing either
    registry.ingest(db, [EXAMPLES / "example_city_2023.txt", EXAMPLES / "example_newarea_2022.txt"])
    assert _state(db, cid).status == "missed"
    assert cid not in {i.row.commitment_id for i in review.queue(db, per_page=200).items}


def test_decisions_refuse_what_they_cannot_do(db: Database) -> None:
    item = review.queue(db).items[0]
    cid = item.row.commitment_id
    with pytest.raises(InputError, match="reload"):
        review.confirm(db, cid, who="ed", expected="missed" if item.row.status != "missed" else "met")
    with pytest.raises(InputError):
        review.override(db, cid, "done", who="ed")  # a task's status, not a target's
    with pytest.raises(InputError):
        review.override(db, cid, "", who="ed")
    with pytest.raises(NotFoundError):
        review.confirm(db, 999_999, who="ed")
    project = next(
        (c for c in queries.commitments(db, per_page=500).items if c["type"] != "target"), None
    )
    if project is not None:
        with pytest.raises(InputError):
            review.confirm(db, project["id"], who="ed")
    assert _state(db, cid).rater == "rules"  # nothing was recorded


# --------------------------------------------------------------------------- the page


def client_for(db: Database) -> TestClient:
    app = create_app(Settings(db_url=db.url, secret_key="k" * 48), db=db)
    return TestClient(app, base_url="https://testserver")


def csrf_of(client: TestClient, path: str = "/review") -> str:
    m = re.search(r'name="csrf-token" content="([^"]+)"', client.get(path, headers={"accept": "text/html"}).text)
    assert m
    return m.group(1)


def login(client: TestClient, username: str) -> str:
    token = csrf_of(client, "/login")
    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303
    return csrf_of(client)


def test_review_page_shows_reasons_quotes_and_forms_to_editors(db: Database) -> None:
    anonymous = client_for(db)
    page = anonymous.get("/review", headers={"accept": "text/html"}).text
    data = anonymous.get("/review.json").json()
    assert data["total"] == len(data["items"]) and page.count('class="card rv-item"') == data["total"]
    assert "评定依据的是预计数（预计），不是实际结果" in page
    assert 'action="/review/' not in page  # no forms for visitors
    for item in data["items"]:
        assert item["reasons"] and item["target"]["href"] and item["outcomes"][0]["href"]
        assert f'href="{item["target"]["href"]}"' in page
    editor = client_for(db)
    login(editor, "ed")
    page = editor.get("/review", headers={"accept": "text/html"}).text
    assert page.count('/confirm"') == page.count('/override"') == data["total"]
    # the override's status is chosen by the editor: the only preselected option is the empty prompt
    selects = re.findall(r'<select name="status".*?</select>', page, flags=re.S)
    assert selects and all(re.findall(r"<option[^>]*selected[^>]*>", s) == ['<option value="" selected disabled>'] for s in selects)
    assert "Ratings to confirm" in editor.get("/review?lang=en", headers={"accept": "text/html"}).text
    assert anonymous.get("/review.json", params={"reason": "whim"}).status_code == 400


def test_confirm_and_override_through_the_forms(db: Database) -> None:
    items = client_for(db).get("/review.json").json()["items"]
    first, second = items[0], items[1]
    anonymous, viewer, editor = client_for(db), client_for(db), client_for(db)
    form = {"expected": first["status"], "next": "/review"}
    r = anonymous.post(f"/review/{first['commitment_id']}/confirm", data={**form, "csrf_token": csrf_of(anonymous)},
                       follow_redirects=False)
    assert r.status_code == 401
    token = login(viewer, "vi")
    r = viewer.post(f"/review/{first['commitment_id']}/confirm", data={**form, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 403
    token = login(editor, "ed")
    r = editor.post(f"/review/{first['commitment_id']}/confirm", data={**form, "csrf_token": "forged"}, follow_redirects=False)
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    assert len(editor.get("/review.json").json()["items"]) == len(items)  # nothing happened
    r = editor.post(f"/review/{first['commitment_id']}/confirm", data={**form, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/review?done={first['commitment_id']}&did=confirm"
    # an override needs a status, and a next page off this site is ignored
    r = editor.post(f"/review/{second['commitment_id']}/override",
                    data={"status": "", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 400
    r = editor.post(f"/review/{second['commitment_id']}/override",
                    data={"status": "partly", "note": "人工核对", "next": "https://evil.example/", "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/review?done=")
    left = {i["commitment_id"] for i in editor.get("/review.json").json()["items"]}
    assert first["commitment_id"] not in left and second["commitment_id"] not in left
    assert len(left) == len(items) - 2
    assert queries.commitment(db, second["commitment_id"])["status"] == "partly"
    done = editor.get(f"/review?done={second['commitment_id']}&did=override", headers={"accept": "text/html"}).text
    assert "已改判" in done and f'href="/commitments/{second["commitment_id"]}"' in done
    actions = [(a["who"], a["action"]) for a in queries.audit_log(db, limit=2)]
    assert actions == [("ed", "override"), ("ed", "confirm")]


def test_every_review_text_has_an_english_entry() -> None:
    from workreport import rules
    from workreport.web.render import catalog

    english = catalog("en")
    text = resources.files("workreport.web").joinpath("templates", "review.html").read_text(encoding="utf-8")
    missing = [t for _, t in re.findall(r"""_\(\s*(["'])(.*?)\1\s*\)""", text) if t not in english]
    missing += [t for t in rules.load("review")["reasons"].values() if t not in english]
    bare = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", text, flags=re.S)
    assert not re.search(r"[\u4e00-\u9fff]", bare)
    assert not missing, missing
