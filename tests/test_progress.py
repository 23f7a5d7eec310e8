"""Progress of key tasks and 为民实事: the rules' verdict from an item's numbers, a person's
assessments with percentage and evidence, which one is current, the audit, the command line
and the pages (on SQLite and PostgreSQL).

The flow runs end to end through ingest on two invented reports of one city
(tests/data/progress/): a plan year with a 为民实事 list of numbers, and the next year's
review stating what was done."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from tests.conftest import migrate_down
from workreport import registry
from workreport.cli import main
from workreport.errors import InputError, NotFoundError
from workreport.registry.progress import (
    Item,
    Part,
    assess_progress,
    parse_percent,
    progress,
    rule_text,
    rules_verdict,
    task,
)
from workreport.registry.users import add_user
from workreport.store import Database, queries
from workreport.web import Settings, create_app

DATA = Path(__file__).parent / "data" / "progress"
PLAN = DATA / "hanzhong_2024.txt"
REVIEW = DATA / "hanzhong_2025.txt"
PASSWORD = "correct horse battery"


# --------------------------------------------------------------------------- the rules, pure


def _part(status: str, value: float = 100, outcome: float | None = None, *, provisional: bool = False) -> Part:
    return Part(
        commitment_id=1, fact_id=None, quote=None, indicator="x", indicator_id=None, measure="level",
        comparator="=", value=value, value_max=None, unit="item", classifier="个", document_id=1, start=0,
        end=1, period=2024, status=status, provisional=provisional, rater="rules",
        outcome=None if outcome is None else {"value": outcome}, changed_at=None,
    )


def test_the_rules_verdict_from_the_numbers() -> None:
    done, counts = rules_verdict([_part("met", 300, 312), _part("met", 10, 10)])
    assert done is not None and (done.status, done.percent, done.by_rules) == ("done", 100, True)
    assert counts == {"met": 2} and rule_text(counts) == "2个数字：2个完成"
    short, _ = rules_verdict([_part("partly", 2000, 1850)])
    assert short is not None and (short.status, short.percent) == ("missed", 92)  # 1850 of 2000
    missed, _ = rules_verdict([_part("met", 5, 5), _part("missed", 120, 96)])
    assert missed is not None and (missed.status, missed.percent) == ("missed", 90)  # (100 + 80) / 2
    half, _ = rules_verdict([_part("met", 5, 5), _part("unknown")])
    assert half is not None and half.status == "in_progress" and half.percent == 50  # 1 of 2 known
    assert rules_verdict([_part("unknown")])[0] is None  # the review says nothing: no verdict
    assert rules_verdict([_part("not_yet_due")])[0] is None
    assert rules_verdict([])[0] is None
    est, _ = rules_verdict([_part("met", 5, 6, provisional=True)])
    assert est is not None and est.provisional
    assert rule_text({"met": 1, "missed": 1}, "en") == "2 numbers: 1 met, 1 missed"


def test_percentages_are_whole_numbers_from_0_to_100() -> None:
    assert parse_percent("40") == 40 and parse_percent("40%") == 40 and parse_percent(" 100 ") == 100
    assert parse_percent("") is None and parse_percent(None) is None and parse_percent(7) == 7
    for bad in ("-1", "101", "40.5", "abc", "1e2x"):
        with pytest.raises(InputError):
            parse_percent(bad)


# --------------------------------------------------------------------------- end to end


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.close()


def _by_text(items: list[Item], words: str) -> Item:
    (found,) = [i for i in items if words in i.text]
    return found


def test_a_plan_year_then_its_review_through_ingest(db: Database) -> None:
    registry.ingest(db, [PLAN])
    plan = progress(db, jurisdiction="汉中市", year=2024, type="project")
    assert len(plan) == 8, [i.text for i in plan]
    safe = _by_text(plan, "智慧安防小区")
    assert safe.text == "一是建设智慧安防小区300个；"
    # its number is a tracked target, not yet due: the item has not started
    assert [(p.quote, p.value, p.status) for p in safe.parts] == [("300个", 300, "not_yet_due")]
    assert (safe.status, safe.percent, safe.source, safe.rules) == ("planned", 0, "none", None)
    assert all(i.status == "planned" for i in plan)

    registry.ingest(db, [REVIEW])  # the next year's review states the results
    items = progress(db, jurisdiction="汉中市", year=2024, type="project")
    safe = _by_text(items, "智慧安防小区")
    (part,) = safe.parts
    assert part.status == "met" and part.outcome is not None and part.outcome["quote"] == "312个"
    assert (safe.status, safe.percent, safe.source, safe.rater) == ("done", 100, "rules", "rules")
    nursery = _by_text(items, "托位")
    assert (nursery.status, nursery.percent) == ("missed", 92)  # 1850 of 2000
    assert nursery.parts[0].status == "partly"
    toilets = _by_text(items, "公共厕所")
    assert (toilets.status, toilets.percent) == ("missed", 80)  # 96 of 120
    statuses = sorted(i.status for i in items)
    assert statuses == ["done"] * 6 + ["missed"] * 2
    # filters
    assert {i.commitment_id for i in progress(db, year=2024, status="missed")} == {
        nursery.commitment_id,
        toilets.commitment_id,
    }
    assert all(i.type == "task" for i in progress(db, type="task"))
    assert {i.period for i in progress(db, jurisdiction="汉中")} == {2024, 2025}  # by alias
    next_year = progress(db, year=2025, type="project")
    assert len(next_year) == 8 and all(i.status == "planned" for i in next_year)  # not yet reviewed
    with pytest.raises(InputError):
        progress(db, status="finished")
    with pytest.raises(InputError):
        progress(db, type="target")
    # key tasks: the numbers of their whole section
    tasks = progress(db, year=2024, type="task")
    renewal = _by_text(tasks, "推进城市更新行动")
    assert {p.quote for p in renewal.parts} >= {"80个", "15公里"} and renewal.status == "done"


def test_a_person_outranks_the_rules_until_new_evidence(db: Database) -> None:
    registry.ingest(db, [PLAN, REVIEW])
    toilets = _by_text(progress(db, year=2024, type="project"), "公共厕所")
    cid = toilets.commitment_id
    assert toilets.source == "rules" and toilets.status == "missed"
    # a later assessment by a person outranks the rules
    entry = assess_progress(
        db, cid, "delayed", who="督查室", percent=85, note="选址调整，剩余24座上半年完成",
        evidence="https://www.example.gov.cn/dc/2025-03.html",
    )
    assert entry.evidence.url and entry.evidence.quote is None and entry.percent == 85
    item = task(db, cid).item
    assert (item.status, item.percent, item.source, item.rater) == ("delayed", 85, "person", "督查室")
    assert item.rules is not None and item.rules.status == "missed" and item.rules_differ
    assert [e.rater for e in item.timeline] == ["督查室", "rules"]  # newest first
    # no percentage: in progress keeps the last one; done is 100 and needs evidence
    assert assess_progress(db, cid, "in_progress", who="督查室", note="已建成110座").percent == 85
    with pytest.raises(InputError, match="evidence"):
        assess_progress(db, cid, "done", who="督查室")
    with pytest.raises(InputError, match="100"):
        assess_progress(db, cid, "done", who="督查室", percent=90, evidence="验收")
    with pytest.raises(InputError):
        assess_progress(db, cid, "finished", who="督查室", evidence="x")
    with pytest.raises(InputError):
        assess_progress(db, cid, "in_progress", who="督查室", evidence_url="javascript:alert(1)")
    # the evidence may be a fact of a report: the review's outcome, kept across re-extraction by its key
    outcome = next(
        f for f in queries.facts(db, kind="actual", per_page=500).items if f["quote"] == "96座"
    )
    done = assess_progress(db, cid, "done", who="督查室", note="全部建成", fact_id=outcome["id"],
                           evidence="剩余24座已于2025年6月建成并投入使用")
    assert done.percent == 100 and done.evidence.fact_document_id == outcome["document_id"]
    item = task(db, cid).item
    assert (item.status, item.percent, item.source) == ("done", 100, "person")
    ev = item.timeline[0].evidence
    assert ev.fact_id == outcome["id"] and ev.fact_quote == "96座" and (ev.quote or "").startswith("剩余24座")
    # audited: who, before and after
    log = [a for a in queries.audit_log(db, limit=10) if a["entity_key"] == str(cid)]
    assert log[0]["who"] == "督查室" and log[0]["after"]["status"] == "done" and log[0]["after"]["percent"] == 100
    assert log[0]["before"]["status"] == "in_progress"
    assert len(queries.audit_log(db, limit=1)) == 1
    with pytest.raises(InputError, match="limit must be at least 1"):  # SQLite's LIMIT -1 was everything
        queries.audit_log(db, limit=-1)
    # a corrected figure with the same rating is no news: the person's assessment stands
    registry.correct(db, outcome["id"], {"value": "100"}, who="editor")
    item = task(db, cid).item
    assert item.rules is not None and item.rules.status == "missed" and item.rules.percent == 83
    assert item.source == "person" and item.status == "done"
    # new evidence: a correction that changes the rating (missed → partly) is newer than the person
    registry.correct(db, outcome["id"], {"value": "110"}, who="editor")
    item = task(db, cid).item
    assert item.parts[0].status == "partly"
    assert item.rules is not None and (item.rules.status, item.rules.percent) == ("missed", 91)
    assert item.source == "rules" and item.status == "missed" and item.timeline[0].by_rules
    # re-ingesting the same reports is no news: the rules' entry keeps its time
    before = item.rules.at
    registry.ingest(db, [PLAN, REVIEW])
    again = task(db, cid).item
    assert again.rules is not None and again.rules.at == before and again.status == "missed"


def test_only_tasks_and_projects_are_assessed_here(db: Database) -> None:
    registry.ingest(db, [PLAN])
    target = queries.commitments(db, type="target", per_page=1).items[0]["id"]
    with pytest.raises(InputError, match="numeric target"):
        assess_progress(db, target, "done", who="x", evidence="y")
    with pytest.raises(NotFoundError):
        task(db, 10**6)
    with pytest.raises(NotFoundError):
        assess_progress(db, 10**6, "done", who="x", evidence="y")
    item = progress(db, type="project")[0]
    with pytest.raises(NotFoundError):
        assess_progress(db, item.commitment_id, "done", who="x", fact_id=10**6)
    with pytest.raises(InputError, match="NUL"):
        assess_progress(db, item.commitment_id, "in_progress", who="x", note="a\x00b")


def test_deleting_the_report_deletes_the_percentages(db: Database) -> None:
    from sqlalchemy import func, select

    from workreport.store.progress_rows import AssessmentProgressRow

    registry.ingest(db, [PLAN])
    item = progress(db, type="project")[0]
    assess_progress(db, item.commitment_id, "in_progress", who="x", percent=30)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AssessmentProgressRow)) == 1
    queries.delete_document(db, item.document_id, who="admin")
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AssessmentProgressRow)) == 0


def test_the_migration_goes_down_and_up(tmp_path: Path) -> None:
    from sqlalchemy import inspect

    database = Database(str(tmp_path / "m.sqlite"))
    assert "assessment_progress" in inspect(database.engine).get_table_names()
    migrate_down(database, "0004_sessions_and_throttling")
    assert "assessment_progress" not in inspect(database.engine).get_table_names()
    database.close()
    again = Database(str(tmp_path / "m.sqlite"))  # opening upgrades to head again
    assert "assessment_progress" in inspect(again.engine).get_table_names()
    again.close()


def test_the_head_revision_a_database_is_checked_against_is_alembics() -> None:
    # a database at HEAD_REVISION is opened without running alembic: a migration added without
    # moving the constant would never be applied to a database at the one before
    from importlib import resources

    from alembic.script import ScriptDirectory

    from workreport.store.database import HEAD_REVISION

    scripts = ScriptDirectory(str(resources.files("workreport.store").joinpath("migrations")))
    assert scripts.get_current_head() == HEAD_REVISION


# --------------------------------------------------------------------------- command line


def test_the_command_line(tmp_path: Path) -> None:
    url = str(tmp_path / "cli.sqlite")
    registry.ingest(Database(url), [PLAN, REVIEW])
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(main, list(args))
        assert result.exit_code == code, result.output
        return result.output

    table = run("progress", "--jurisdiction", "汉中市", "--year", "2024", "--type", "project", "--db", url)
    assert "一是建设智慧安防小区300个" in table and "已完成 done" in table and "(8 items)" in table
    rows = json.loads(run("progress", "--year", "2024", "--format", "json", "--db", url))
    safe = next(r for r in rows if "智慧安防" in r["text"])
    assert safe["status"] == "done" and safe["source"] == "rules" and safe["parts"][0]["outcome"]["quote"] == "312个"
    missed = json.loads(run("progress", "--status", "missed", "--format", "json", "--db", url))
    assert {r["status"] for r in missed} == {"missed"} and len(missed) == 2
    text = run("progress", "--year", "2024", "--format", "csv", "--db", url)
    records = list(csv.DictReader(io.StringIO(text)))
    assert {r["commitment_id"] for r in records} == {str(r["commitment_id"]) for r in rows}
    cid = next(r["commitment_id"] for r in rows if "公共厕所" in r["text"])
    # --db before or after the subcommand
    out = run("progress", "--db", url, "assess", str(cid), "--status", "delayed", "--percent", "85",
              "--note", "选址调整", "--who", "督查室")
    assert "delayed 85%" in out
    err = run("progress", "assess", str(cid), "--status", "done", "--db", url, code=1)
    assert "evidence" in err
    out = run("progress", "assess", str(cid), "--status", "done", "--evidence", "https://example.gov.cn/a",
              "--fact", str(safe["parts"][0]["fact_id"]), "--db", url)
    assert "done 100%" in out
    shown = run("progress", "show", str(cid), "--db", url)
    assert "已完成 done" in shown and "督查室" in shown and "规则 rules" in shown and "120座" in shown
    assert "https://example.gov.cn/a" in shown
    assert "unknown status" in run("progress", "--status", "finished", "--db", url, code=1)


# --------------------------------------------------------------------------- pages


@pytest.fixture
def web_db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    registry.ingest(database, [PLAN, REVIEW])
    add_user(database, "ed", PASSWORD, "editor")
    add_user(database, "vi", PASSWORD, "viewer")
    yield database
    database.close()


def _client(db: Database) -> TestClient:
    app = create_app(Settings(db_url=db.url, secret_key="k" * 48), db=db)
    return TestClient(app, base_url="https://testserver")


def _html(client: TestClient, path: str) -> str:
    r = client.get(path, headers={"accept": "text/html"})
    assert r.status_code == 200, r.text
    return r.text


def _csrf(client: TestClient, path: str = "/progress") -> str:
    m = re.search(r'name="csrf-token" content="([^"]+)"', _html(client, path))
    assert m
    return m.group(1)


def _login(client: TestClient, name: str) -> None:
    token = _csrf(client, "/login")
    r = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303


def test_the_progress_page_and_its_twins(web_db: Database) -> None:
    client = _client(web_db)
    page = _html(client, "/progress?jurisdiction=汉中市&year=2024&type=project")
    assert page.count('class="progress-item"') == 8
    assert '<progress class="bar bar-done" max="100" value="100"' in page
    assert '<progress class="bar bar-missed" max="100" value="92"' in page
    data = client.get("/progress.json", params={"jurisdiction": "汉中市", "year": 2024, "type": "project"}).json()
    assert data["total"] == 8 and len(data["rows"]) == 8
    for r in data["rows"]:
        assert f'href="/tasks/{r["commitment_id"]}"' in page
    text = client.get("/progress.csv", params={"jurisdiction": "汉中市", "year": 2024, "type": "project"}).text
    records = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["commitment_id"] for r in records] == [str(r["commitment_id"]) for r in data["rows"]]
    missed = client.get("/progress.json", params={"status": "missed"}).json()
    assert missed["total"] == 2 and {r["status"] for r in missed["rows"]} == {"missed"}
    assert client.get("/progress.json", params={"status": "finished"}).status_code == 400
    assert client.get("/progress.xml").status_code == 404
    paged = client.get("/progress.json", params={"per_page": 5}).json()
    assert paged["pages"] > 1 and paged["next_url"].startswith("/progress.json?")
    en = _html(client, "/progress?lang=en&year=2024")
    assert "Progress of key tasks and practical projects" in en and "done" in en


def test_the_task_page_shows_numbers_outcomes_and_timeline(web_db: Database) -> None:
    client = _client(web_db)
    item = next(r for r in client.get("/progress.json", params={"year": 2024}).json()["rows"] if "智慧安防" in r["text"])
    page = _html(client, f"/tasks/{item['commitment_id']}")
    assert "一是建设智慧安防小区300个；" in page
    view = task(web_db, item["commitment_id"])
    (part,) = view.item.parts
    assert f'href="/facts/{part.fact_id}">300个</a>' in page
    o = part.outcome
    assert o is not None and f'href="/documents/{o["document_id"]}#f-{o["start"]}-{o["end"]}">312个</a>' in page
    assert "1个数字：1个完成" in page and 'class="entry rules"' in page
    assert 'id="assess"' not in page  # no form for a reader
    twin = client.get(f"/tasks/{item['commitment_id']}.json").json()
    assert twin["status"] == "done" and twin["parts"][0]["outcome"]["quote"] == "312个"
    assert twin["timeline"][0]["by_rules"] and {f["quote"] for f in twin["facts"]} >= {"300个"}
    # a target's id goes to its commitment page
    r = client.get(f"/tasks/{part.commitment_id}", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/commitments/{part.commitment_id}"
    assert client.get("/tasks/999999", headers={"accept": "text/html"}).status_code == 404


def test_an_editor_assesses_with_evidence(web_db: Database) -> None:
    rows = _client(web_db).get("/progress.json", params={"year": 2024}).json()["rows"]
    cid = next(r["commitment_id"] for r in rows if "公共厕所" in r["text"])
    path = f"/tasks/{cid}"
    anon = _client(web_db)
    token = _csrf(anon, path)
    r = anon.post(f"{path}/assess", data={"csrf_token": token, "status": "done", "evidence": "x"}, follow_redirects=False)
    assert r.status_code == 401
    viewer = _client(web_db)
    _login(viewer, "vi")
    r = viewer.post(f"{path}/assess", data={"csrf_token": _csrf(viewer, path), "status": "done", "evidence": "x"},
                    follow_redirects=False)
    assert r.status_code == 403
    editor = _client(web_db)
    _login(editor, "ed")
    page = _html(editor, path)
    form = re.search(r'<form class="card stack assess-form".*?</form>', page, re.S)
    assert form, "an editor sees the form"
    radios = re.findall(r'<input type="radio" name="status"[^>]*>', form.group(0))
    assert len(radios) == 6 and not any("checked" in x for x in radios)  # nothing chosen for the person
    assert all("required" in x for x in radios)
    r = editor.post(f"{path}/assess", data={"status": "done", "evidence": "x"}, follow_redirects=False)
    assert r.status_code == 403  # no CSRF token
    token = _csrf(editor, path)
    r = editor.post(f"{path}/assess", data={"csrf_token": token, "status": "done", "note": "全部建成"},
                    follow_redirects=False)
    assert r.status_code == 400 and "须附证据" in r.text and "全部建成" in r.text  # the form keeps what was typed
    assert 'value="done" required checked' in r.text
    view = task(web_db, cid)
    outcome_fact = view.item.parts[0].outcome["fact_id"]  # type: ignore[index]
    assert f'<option value="{outcome_fact}"' in page  # the review's figure may be cited
    r = editor.post(
        f"{path}/assess",
        data={"csrf_token": token, "status": "done", "percent": "", "note": "剩余24座已建成",
              "evidence": "市城管局：城乡公共厕所120座全部建成", "evidence_url": "https://example.gov.cn/c/1",
              "fact_id": str(outcome_fact)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"{path}#timeline"
    page = _html(editor, path)
    assert '<span class="status status-done big">已完成</span>' in page
    assert "市城管局：城乡公共厕所120座全部建成" in page
    assert 'href="https://example.gov.cn/c/1" rel="noopener noreferrer nofollow"' in page
    assert "规则的评定不同" in page  # the rules said 未完成
    audit = queries.audit_log(web_db, limit=5)
    assert audit[0]["who"] == "ed" and audit[0]["action"] == "assess" and audit[0]["entity_key"] == str(cid)
    listing = _client(web_db).get("/progress.json", params={"status": "done", "year": 2024, "type": "project"}).json()
    assert cid in {r["commitment_id"] for r in listing["rows"]}


def test_every_progress_text_has_an_english_entry() -> None:
    from importlib import resources

    from workreport.web.render import catalog

    english = catalog("en")
    folder = resources.files("workreport.web").joinpath("templates")
    missing = []
    for name in ("progress", "task"):
        text = folder.joinpath(f"{name}.html").read_text(encoding="utf-8")
        missing += [(name, t) for _, t in re.findall(r"""_\(\s*(["'])(.*?)\1\s*\)""", text) if t not in english]
        bare = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", text, flags=re.S)
        assert not re.search(r"[\u4e00-\u9fff]", bare), name
    assert not missing, missing


def test_every_way_of_assessing_holds_to_the_same_rules(web_db: Database, tmp_path: Path) -> None:
    # `workreport assess`, the API, the commitment page's form and `import assessments` take a
    # rating for a numeric target and a progress status for a task, and 已完成/未完成 of a task
    # only with evidence, as `progress assess` and the task page do
    target = queries.commitments(web_db, type="target", per_page=1).items[0]["id"]
    item = progress(web_db, type="project")[0]
    cid = item.commitment_id
    for commitment, status, evidence, says in [
        (target, "planned", None, "numeric target"),
        (target, "done", "x", "numeric target"),
        (cid, "met", "x", "unknown status"),
        (cid, "done", None, "须附证据"),
        (cid, "missed", None, "须附证据"),
    ]:
        with pytest.raises(InputError, match=says):
            registry.assess(web_db, commitment, status, who="ed", evidence=evidence)
    with pytest.raises(InputError, match="at most 2000"):
        registry.assess(web_db, target, "met", who="ed", note="长" * 2001)
    editor = _client(web_db)
    _login(editor, "ed")
    token = _csrf(editor, "/progress")
    api = editor.post(f"/api/commitments/{target}/assessments", json={"status": "planned"}, headers={"X-CSRF-Token": token})
    assert api.status_code == 400 and set(api.json()["error"]) == {"status", "code", "message", "details"}
    api = editor.post(f"/api/commitments/{cid}/assessments", json={"status": "done"}, headers={"X-CSRF-Token": token})
    assert api.status_code == 400 and "evidence" in api.json()["error"]["message"]
    form = editor.post(f"/commitments/{target}/assess", data={"csrf_token": token, "status": "planned"},
                       headers={"accept": "text/html"}, follow_redirects=False)
    assert form.status_code == 400
    api = editor.post(f"/api/commitments/{cid}/assessments", json={"status": "done", "evidence": "市政府公报"},
                      headers={"X-CSRF-Token": token})
    assert api.status_code == 201 and api.json()["status"] == "done"
    assert task(web_db, cid).item.percent == 100  # 已完成 is 100%, whichever way it came
    csv_file = tmp_path / "a.csv"
    csv_file.write_text(f"commitment_id,status,evidence\n{target},met,\n{cid},missed,\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        registry.import_assessments(web_db, csv_file, who="ed")
    assert refused.value.problems == [f"{csv_file}:3: status 'missed' of a project needs evidence (the evidence column)"]
    csv_file.write_text(f"commitment_id,status\n{target},planned\n", encoding="utf-8")
    with pytest.raises(InputError):
        registry.import_assessments(web_db, csv_file, who="ed")


def test_a_task_form_with_numbers_past_any_range_is_a_400(web_db: Database) -> None:
    cid = progress(web_db, type="project")[0].commitment_id
    editor = _client(web_db)
    _login(editor, "ed")
    path = f"/tasks/{cid}"
    token = _csrf(editor, path)
    for data in ({"fact_id": "9" * 23}, {"percent": "NaN"}, {"percent": "1e999"}):
        r = editor.post(f"{path}/assess", data={"csrf_token": token, "status": "in_progress", **data},
                        headers={"accept": "text/html"}, follow_redirects=False)
        assert r.status_code in (400, 404), (data, r.status_code)


def test_each_facet_counts_what_its_link_lists(web_db: Database) -> None:
    client = _client(web_db)
    for status in ("done", "missed", "in_progress", "planned"):
        shown = client.get("/progress.json", params={"status": status}).json()
        for name in ("type", "jurisdiction", "year", "status"):
            for entry in shown["facets"][name]:
                if entry["selected"]:  # its link takes the filter off
                    continue
                followed = client.get(entry["url"].replace("/progress?", "/progress.json?", 1)).json()
                assert followed["total"] == entry["count"], (status, name, entry)
