"""Attachments over real HTTP (SPEC §3.2, docs/omni-protocol.md "Attachments"): the Omni SDK's
generate → upload (exactly 202 {mediaId}) → send file/image → echo, history and download; the contact
center's files; and every refusal: other sessions', customers' and accounts' files, tampered, expired
and foreign signatures, wrong sizes, types and bodies — each a clear 4xx that stores nothing."""
import os
import re
from urllib.parse import parse_qs, urlsplit

import requests

from harness import BANK, RETAIL, Server
from omni import OmniCustomer, file_body

PDF = b"%PDF-1.4\n" + bytes(range(256)) + b"\r\n--boundary-lookalike--\r\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(3000)
ORIGIN = "https://shop.example"
UPLOAD_URL = re.compile(r"^http://127\.0\.0\.1:\d+/sdk/digital/chat/v1/uploads/([0-9a-f-]{36})\?expires=(\d+)&signature=([A-Za-z0-9_-]+)$")
DOWNLOAD_URL = re.compile(r"^http://127\.0\.0\.1:\d+/sdk/digital/chat/v1/attachments/([0-9a-f-]{36})\?expires=(\d+)&signature=([A-Za-z0-9_-]+)$")


def customer_in_chat(server, customer_id, tenant=RETAIL, integration=None):
    c = OmniCustomer(server, customer_id, tenant=tenant, integration=integration)
    c.init()
    c.start_chat()
    return c


def announce(customer, name="invoice.pdf", data=PDF, content_type="application/pdf"):
    r = customer.generate_upload_url(name, len(data), content_type)
    assert r.status_code == 200, r.text
    return r.json()


def uploaded(customer, name="invoice.pdf", data=PDF, content_type="application/pdf"):
    """An announced and uploaded file's id."""
    url = announce(customer, name, data, content_type)["presignedUrl"]
    r = customer.upload(url, name, data, content_type)
    assert r.status_code == 202, r.text
    return r.json()["mediaId"]


def files_of(server, engagement_id):
    r = server.get(f"/__sim/engagements/{engagement_id}/attachments")
    assert r.status_code == 200, r.text
    return {a["attachmentId"]: a for a in r.json()["attachments"]}


def with_query(url, **changes):
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    query = {k: v for k, v in query.items() if v is not None}
    return f"{parts.scheme}://{parts.netloc}{parts.path}?" + "&".join(f"{k}={v}" for k, v in query.items())


def problem(r, status, code=None):
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["Content-Type"] == "application/problem+json", r.headers
    if code:
        assert r.json()["code"] == code, r.text
    return r.json()


def violation_fields(r):
    assert r.status_code == 400, r.text
    return [v["field"] for v in r.json()["violations"]]


def test_a_file_and_an_image_go_from_upload_to_message_to_download(fresh):
    ann = customer_in_chat(fresh, "att-ann")
    eid = ann.engagement["engagementId"]
    fresh.client.agent_join(eid, "Alice")
    ann.poll()

    announced = announce(ann)
    match = UPLOAD_URL.match(announced["presignedUrl"])
    assert match and match.group(1) == announced["attachmentId"], announced
    # The URL is the credential: no Authorization, no appkey; a cross-origin page gets CORS headers.
    up = ann.upload(announced["presignedUrl"], "invoice.pdf", PDF, "application/pdf", origin=ORIGIN)
    assert up.status_code == 202 and up.json() == {"mediaId": announced["attachmentId"]}, up.text
    assert up.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert files_of(fresh, eid)[announced["attachmentId"]]["state"] == "uploaded"

    sent = ann.send(file_body(announced["attachmentId"], "my invoice"))
    assert sent.status_code == 200, sent.text
    [attachment] = sent.json()["attachments"]
    assert {k: attachment[k] for k in ("attachmentId", "name", "size", "contentType")} == {
        "attachmentId": announced["attachmentId"], "name": "invoice.pdf", "size": len(PDF), "contentType": "application/pdf"}
    assert DOWNLOAD_URL.match(attachment["url"]), attachment

    image = ann.send_file("photo.png", PNG, "image/png", kind="image")
    assert image.status_code == 200, image.text
    assert image.json()["body"]["elementType"] == "image" and image.json()["attachments"][0]["contentType"] == "image/png"

    # The echo of each send carries the files with a url.
    echoes = [e for e in ann.poll() if e["eventType"] == "MESSAGE"]
    assert [e["message"]["attachments"][0]["name"] for e in echoes] == ["invoice.pdf", "photo.png"]
    assert all(DOWNLOAD_URL.match(e["message"]["attachments"][0]["url"]) for e in echoes)
    # History too (newest first).
    history = ann.history().json()["messages"]
    assert [m["attachments"][0]["name"] for m in history[:2]] == ["photo.png", "invoice.pdf"]

    for url, data, content_type, name in ((attachment["url"], PDF, "application/pdf", "invoice.pdf"),
                                          (history[0]["attachments"][0]["url"], PNG, "image/png", "photo.png")):
        got = requests.get(url, headers={"Origin": ORIGIN}, timeout=30)
        assert got.status_code == 200 and got.content == data
        assert got.headers["Content-Type"] == content_type
        assert got.headers["Content-Disposition"] == f'inline; filename="{name}"'
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert got.headers["Access-Control-Allow-Origin"] == ORIGIN

    # The contact center sees the customer's files: messages, the journal, the files list.
    messages = fresh.get(f"/__sim/engagements/{eid}/messages").json()["messages"]
    assert [m["attachments"][0]["name"] for m in messages if "attachments" in m] == ["invoice.pdf", "photo.png"]
    assert requests.get(messages[-1]["attachments"][0]["url"], timeout=30).content == PNG
    journal = fresh.get("/__sim/events", params={"accountId": RETAIL.account_id}).json()["events"]
    assert any(e["event"].get("message", {}).get("attachments", [{}])[0].get("name") == "invoice.pdf" for e in journal)
    assert {a["state"] for a in files_of(fresh, eid).values()} == {"attached"}


def test_the_contact_center_sends_a_file_the_customer_downloads(fresh):
    ann = customer_in_chat(fresh, "att-cc")
    eid = ann.engagement["engagementId"]
    fresh.client.agent_join(eid, "Alice")
    r = fresh.post(f"/__sim/engagements/{eid}/attachments", files={"mediaFile": ("terms.pdf", PDF, "application/pdf")})
    assert r.status_code == 201, r.text
    upload = r.json()
    assert upload["state"] == "uploaded" and upload["sessionId"] is None and upload["size"] == len(PDF)
    assert requests.get(upload["url"], timeout=30).content == PDF

    body = {"elementType": "file", "elementText": {"text": "our terms"}, "richMediaPayload": {"attachmentIds": [upload["attachmentId"]]}}
    sent = fresh.post(f"/__sim/engagements/{eid}/agent/message", json={"body": body})
    assert sent.status_code == 201, sent.text
    assert sent.json()["attachments"][0]["name"] == "terms.pdf"

    [arrived] = [e for e in ann.poll() if e["eventType"] == "MESSAGE"]
    assert arrived["participant"]["participantType"] == "AGENT"
    [file] = arrived["message"]["attachments"]
    assert file["name"] == "terms.pdf" and file["size"] == len(PDF)
    got = requests.get(file["url"], timeout=30)
    assert got.status_code == 200 and got.content == PDF and got.headers["Content-Type"] == "application/pdf"

    # Used once only; a customer's file is not the contact center's to send; an image must be one.
    assert violation_fields(fresh.post(f"/__sim/engagements/{eid}/agent/message", json={"body": body})) == [
        "body.richMediaPayload.attachmentIds"]
    customer_file = uploaded(ann)
    body["richMediaPayload"]["attachmentIds"] = [customer_file]
    assert violation_fields(fresh.post(f"/__sim/engagements/{eid}/agent/message", json={"body": body})) == [
        "body.richMediaPayload.attachmentIds"]
    pdf = fresh.post(f"/__sim/engagements/{eid}/attachments", files={"mediaFile": ("a.pdf", PDF, "application/pdf")}).json()
    image = dict(body, elementType="image", richMediaPayload={"attachmentIds": [pdf["attachmentId"]]})
    assert violation_fields(fresh.post(f"/__sim/engagements/{eid}/agent/message", json={"body": image})) == [
        "body.richMediaPayload.attachmentIds"]
    # The contact center's uploads follow the same allow-list.
    refused = fresh.post(f"/__sim/engagements/{eid}/attachments", files={"mediaFile": ("run.exe", b"MZ", "application/octet-stream")})
    assert violation_fields(refused) == ["mediaFile"]


def test_a_send_naming_a_file_not_uploaded_by_this_session_is_refused(fresh):
    ann = customer_in_chat(fresh, "att-iso-ann")
    bob = customer_in_chat(fresh, "att-iso-bob")
    carl = customer_in_chat(fresh, "att-iso-carl", tenant=BANK)
    field = ["body.richMediaPayload.attachmentIds"]
    # Another customer's, another account's, an announced-but-not-uploaded, and an unknown id.
    for attachment_id in (uploaded(bob), uploaded(carl), announce(ann)["attachmentId"], "00000000-0000-4000-8000-000000000000"):
        assert violation_fields(ann.send(file_body(attachment_id))) == field, attachment_id
    # Another session of the same customer (a second device in the same chat) uploads: still not this session's.
    tablet = OmniCustomer(fresh, "att-iso-ann")
    session = tablet.init()
    tablet.join(session["engagements"][0])
    from_tablet = uploaded(tablet)
    assert violation_fields(ann.send(file_body(from_tablet))) == field
    assert tablet.send(file_body(from_tablet)).status_code == 200
    # Once sent, a file cannot be sent again; a pdf cannot be sent as an image.
    mine = uploaded(ann)
    assert violation_fields(ann.send(file_body(mine, kind="image"))) == field
    assert ann.send(file_body(mine)).status_code == 200
    assert violation_fields(ann.send(file_body(mine))) == field
    # Nothing of the refused sends was stored.
    messages = fresh.get(f"/__sim/engagements/{ann.engagement['engagementId']}/messages").json()["messages"]
    assert [m["attachments"][0]["attachmentId"] for m in messages] == [from_tablet, mine]


def test_signed_urls_refuse_tampering_expiry_and_other_accounts(fresh):
    fresh.client.freeze_clock(RETAIL.account_id, "2030-01-01T09:00:00Z")
    ann = customer_in_chat(fresh, "att-sig-ann")
    eid = ann.engagement["engagementId"]
    announced = announce(ann)
    url = announced["presignedUrl"]
    query = parse_qs(urlsplit(url).query)
    signature, expires = query["signature"][0], query["expires"][0]
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    for bad in (with_query(url, signature=flipped), with_query(url, expires=str(int(expires) + 60)), with_query(url, signature=None),
                with_query(url, expires=None), with_query(url, signature=signature + "x")):
        problem(ann.upload(bad, "invoice.pdf", PDF, "application/pdf"), 403, "signed_url_invalid")
    # The upload URL is not a download URL, nor the other way round.
    problem(requests.get(url.replace("/uploads/", "/attachments/"), timeout=30), 403, "signed_url_invalid")
    # Unknown ids: 404 on both.
    other = url.replace(announced["attachmentId"], "00000000-0000-4000-8000-000000000000")
    problem(ann.upload(other, "invoice.pdf", PDF, "application/pdf"), 404, "attachment_not_found")
    problem(requests.get(other.replace("/uploads/", "/attachments/"), timeout=30), 404, "attachment_not_found")
    # Nothing was stored by the refusals: the file is still waiting, and the real URL still takes it.
    assert files_of(fresh, eid)[announced["attachmentId"]]["state"] == "pending"
    assert ann.upload(url, "invoice.pdf", PDF, "application/pdf").status_code == 202
    download = ann.send(file_body(announced["attachmentId"])).json()["attachments"][0]["url"]
    assert requests.get(download, timeout=30).status_code == 200
    flipped_download = with_query(download, signature="A" + parse_qs(urlsplit(download).query)["signature"][0][1:])
    if flipped_download != download:
        problem(requests.get(flipped_download, timeout=30), 403, "signed_url_invalid")

    # Another account's signature on this account's file: refused.
    carl = customer_in_chat(fresh, "att-sig-carl", tenant=BANK)
    carl_url = carl.send_file("bank.pdf", PDF, "application/pdf").json()["attachments"][0]["url"]
    carl_query = parse_qs(urlsplit(carl_url).query)
    foreign = with_query(download, signature=carl_query["signature"][0], expires=carl_query["expires"][0])
    problem(requests.get(foreign, timeout=30), 403, "signed_url_invalid")
    assert requests.get(carl_url, timeout=30).content == PDF

    # Expiry on the account's VIRTUAL clock: an upload URL lasts 15 minutes, a download URL 24 hours.
    late = announce(ann)
    fresh.client.advance_clock(RETAIL.account_id, 16 * 60)
    problem(ann.upload(late["presignedUrl"], "invoice.pdf", PDF, "application/pdf"), 403, "signed_url_expired")
    assert files_of(fresh, eid)[late["attachmentId"]]["state"] == "pending"
    assert requests.get(download, timeout=30).status_code == 200
    fresh.client.advance_clock(RETAIL.account_id, 24 * 3600)
    problem(requests.get(download, timeout=30), 403, "signed_url_expired")
    # The other account's clock did not move: its URL still works. A fresh URL of ours works too.
    assert requests.get(carl_url, timeout=30).status_code == 200
    fresh_url = files_of(fresh, eid)[announced["attachmentId"]]["url"]
    assert fresh_url != download and requests.get(fresh_url, timeout=30).content == PDF


def test_uploads_that_break_the_announcement_are_refused_and_store_nothing(fresh):
    ann = customer_in_chat(fresh, "att-bad-ann")
    eid = ann.engagement["engagementId"]
    announced = announce(ann)
    url, attachment_id = announced["presignedUrl"], announced["attachmentId"]
    problem(ann.upload(url, "invoice.pdf", PDF + b"x", "application/pdf"), 413, "attachment_size_mismatch")
    problem(ann.upload(url, "invoice.pdf", PDF[:-1], "application/pdf"), 400, "attachment_size_mismatch")
    wrong_type = problem(ann.upload(url, "invoice.pdf", PDF, "image/png"), 400, "constraint_violation")
    assert [v["field"] for v in wrong_type["violations"]] == ["mediaFile"]
    assert violation_fields(ann.upload(url, "invoice.pdf", PDF, "application/pdf", part="file")) == ["file", "mediaFile"]
    extra = requests.post(url, files=[("mediaFile", ("invoice.pdf", PDF, "application/pdf")), ("caption", (None, "hi"))], timeout=30)
    assert violation_fields(extra) == ["caption"]
    twice = requests.post(url, files=[("mediaFile", ("invoice.pdf", PDF, "application/pdf"))] * 2, timeout=30)
    assert violation_fields(twice) == ["mediaFile"]
    not_a_file = requests.post(url, files={"mediaFile": (None, PDF)}, timeout=30)
    assert violation_fields(not_a_file) == ["mediaFile"]
    empty = requests.post(url, data=b"--xyz--\r\n", headers={"Content-Type": "multipart/form-data; boundary=xyz"}, timeout=30)
    assert violation_fields(empty) == ["mediaFile"]
    problem(requests.post(url, data=b"no boundary", headers={"Content-Type": "multipart/form-data"}, timeout=30), 400, "malformed_multipart")
    problem(requests.post(url, json={"mediaFile": "x"}, timeout=30), 415, "unsupported_media_type")
    # None of that stored anything: still pending, and the right upload is taken once.
    assert files_of(fresh, eid)[attachment_id]["state"] == "pending"
    assert ann.upload(url, "invoice.pdf", PDF, "application/pdf").status_code == 202
    problem(ann.upload(url, "invoice.pdf", PDF, "application/pdf"), 409, "attachment_already_uploaded")
    assert requests.get(files_of(fresh, eid)[attachment_id]["url"], timeout=30).content == PDF
    # The upload routes alone take bodies over --max-body-size (1 MiB by default).
    big = os.urandom(3 * 1024 * 1024 // 2)
    assert ann.send_file("big.zip", big, "application/zip").status_code == 200
    problem(fresh.post(f"/__sim/engagements/{eid}/agent/message", data=b"{" + b" " * (1 << 20) + b"}",
                       headers={"Content-Type": "application/json"}), 413, "payload_too_large")


def test_generate_upload_url_checks_the_announcement_and_the_chat(fresh):
    ann = customer_in_chat(fresh, "att-gen-ann")

    def fields(name="a.pdf", size=10, content_type="application/pdf"):
        return violation_fields(ann.generate_upload_url(name, size, content_type))

    assert fields(name="../a.pdf") == ["attachmentName"]
    assert fields(name="dir\\a.pdf") == ["attachmentName"]
    assert fields(name="a\x01.pdf") == ["attachmentName"]
    assert fields(name="x" * 252 + ".pdf") == ["attachmentName"]
    assert fields(name="run.exe") == ["attachmentName"]
    assert fields(name="noextension") == ["attachmentName"]
    assert fields(content_type="image/png") == ["attachmentType"]
    assert fields(content_type="not a type") == ["attachmentType"]
    assert fields(size=0) == ["attachmentSize"]
    assert fields(size=50 * 1024 * 1024 + 1) == ["attachmentSize"]
    assert ann.generate_upload_url("x" * 251 + ".pdf", 50 * 1024 * 1024, "application/pdf").status_code == 200
    # No attachmentType: application/octet-stream, which every allowed extension takes.
    default = ann.generate_upload_url("Report.DOCX", 10, None)
    assert default.status_code == 200, default.text
    assert ann.upload(default.json()["presignedUrl"], "Report.DOCX", b"0123456789", "application/octet-stream").status_code == 202
    # Only a customer of the chat, only while it is open.
    bob = OmniCustomer(fresh, "att-gen-bob")
    bob.init()
    problem(bob.generate_upload_url("a.pdf", 10, engagement=ann.engagement), 403, "forbidden")
    problem(ann.generate_upload_url("a.pdf", 10, engagement={"engagementId": "00000000-0000-4000-8000-000000000000"}), 404)
    fresh.client.end_chat(ann.engagement['engagementId'])
    problem(ann.generate_upload_url("a.pdf", 10), 409, "engagement_ended")


def test_a_smaller_attachment_limit_is_enforced_on_announcements_and_bodies(tmp_path):
    s = Server("--max-attachment-size", "4096").start()
    try:
        ann = customer_in_chat(s, "att-limit")
        assert violation_fields(ann.generate_upload_url("a.pdf", 4097, "application/pdf")) == ["attachmentSize"]
        url = announce(ann, data=b"x" * 4096)["presignedUrl"]
        # A file over the announced size is refused, and a body beyond the route's limit (the larger of
        # --max-body-size and the attachment limit plus 64 KiB of framing) before it is even read.
        problem(ann.upload(url, "invoice.pdf", b"x" * 4097, "application/pdf"), 413, "attachment_size_mismatch")
        problem(ann.upload(url, "invoice.pdf", b"x" * (1100 * 1024), "application/pdf"), 413, "payload_too_large")
        assert ann.upload(url, "invoice.pdf", b"x" * 4096, "application/pdf").status_code == 202
        eid = ann.engagement["engagementId"]
        assert violation_fields(s.post(f"/__sim/engagements/{eid}/attachments",
                                       files={"mediaFile": ("big.pdf", b"x" * 4097, "application/pdf")})) == ["mediaFile"]
    finally:
        assert s.stop() == 0


def test_attachments_go_with_their_account_and_come_back_with_a_snapshot(fresh):
    ann = customer_in_chat(fresh, "att-reset")
    url = ann.send_file("invoice.pdf", PDF, "application/pdf").json()["attachments"][0]["url"]
    bank = customer_in_chat(fresh, "att-reset-bank", tenant=BANK)
    bank_url = bank.send_file("statement.pdf", PDF, "application/pdf").json()["attachments"][0]["url"]
    assert fresh.post("/__sim/snapshots", json={"name": "with-file"}).status_code == 201
    try:
        # An account reset takes the account's files, not another account's.
        assert fresh.post(f"/__sim/accounts/{RETAIL.account_id}/reset").status_code == 200
        problem(requests.get(url, timeout=30), 404, "attachment_not_found")
        assert requests.get(bank_url, timeout=30).status_code == 200
        # A restore brings them back, bytes and URLs alike (the signing secret is the database's).
        assert fresh.post("/__sim/snapshots/with-file/restore").status_code == 200
        got = requests.get(url, timeout=30)
        assert got.status_code == 200 and got.content == PDF
        # Deleting the account deletes them too.
        assert fresh.delete(f"/__sim/accounts/{RETAIL.account_id}").status_code == 204
        problem(requests.get(url, timeout=30), 404, "attachment_not_found")
        assert fresh.post("/__sim/snapshots/with-file/restore").status_code == 200
        assert requests.get(url, timeout=30).content == PDF
    finally:
        assert fresh.delete("/__sim/snapshots/with-file").status_code == 204


def test_retention_prunes_attachments_with_their_chat(fresh):
    fresh.client.freeze_clock(RETAIL.account_id, "2030-01-01T09:00:00Z")
    ann = customer_in_chat(fresh, "att-prune")
    eid = ann.engagement["engagementId"]
    sent = ann.send_file("invoice.pdf", PDF, "application/pdf").json()["attachments"][0]
    fresh.client.end_chat(eid)
    fresh.client.advance_clock(RETAIL.account_id, 24 * 3600 + 60)
    report = fresh.post("/__sim/prune").json()
    assert report["attachments"] >= 1 and report["engagements"] >= 1, report
    problem(requests.get(sent["url"], timeout=30), 404, "attachment_not_found")


def test_a_recording_keeps_the_files_metadata_in_its_transcript(tmp_path):
    out = tmp_path / "recorded"
    s = Server("--scenarios", str(out)).start()
    try:
        ann = customer_in_chat(s, "att-rec")
        eid = ann.engagement["engagementId"]
        rec = s.post("/__sim/recordings", json={"engagementId": eid, "name": "with-file"}).json()
        s.client.agent_join(eid, "Alice")
        assert ann.send_file("invoice.pdf", PDF, "application/pdf", caption="my invoice").status_code == 200
        s.client.end_chat(eid)
        stopped = s.post(f"/__sim/recordings/{rec['recordingId']}/stop").json()
        assert f"[file] my invoice: invoice.pdf (application/pdf, {len(PDF)} bytes)" in stopped["yaml"], stopped["yaml"]
    finally:
        assert s.stop() == 0


def test_urls_survive_a_restart(tmp_path):
    db = str(tmp_path / "state.sqlite")
    s = Server(db=db).start()
    try:
        ann = customer_in_chat(s, "att-restart")
        url = ann.send_file("invoice.pdf", PDF, "application/pdf").json()["attachments"][0]["url"]
        pending = announce(ann)
    finally:
        assert s.stop() == 0
    s = Server(db=db).start()
    try:
        # Same secret, same port-independent path: the old URLs work on the new server's address.
        moved = re.sub(r"^http://127\.0\.0\.1:\d+", s.http, url)
        got = requests.get(moved, timeout=30)
        assert got.status_code == 200 and got.content == PDF
        upload = re.sub(r"^http://127\.0\.0\.1:\d+", s.http, pending["presignedUrl"])
        assert ann.upload(upload, "invoice.pdf", PDF, "application/pdf").status_code == 202
    finally:
        assert s.stop() == 0


def test_urls_are_written_on_the_public_host(tmp_path):
    s = Server("--public-host", "axp.test").start()
    try:
        ann = customer_in_chat(s, "att-host")
        announced = announce(ann)
        assert announced["presignedUrl"].startswith("https://axp.test/sdk/digital/chat/v1/uploads/"), announced
        # The signature does not depend on the host: the same path and query reach this server.
        local = announced["presignedUrl"].replace("https://axp.test", s.http)
        assert ann.upload(local, "invoice.pdf", PDF, "application/pdf").status_code == 202
        [attachment] = ann.send(file_body(announced["attachmentId"])).json()["attachments"]
        assert attachment["url"].startswith("https://axp.test/sdk/digital/chat/v1/attachments/")
        assert requests.get(attachment["url"].replace("https://axp.test", s.http), timeout=30).content == PDF
    finally:
        assert s.stop() == 0
