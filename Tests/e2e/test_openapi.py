"""GET /__sim/openapi.json: a valid OpenAPI 3.1 document whose schemas are what is served."""
import jsonschema
import pytest
from openapi_spec_validator import validate

from harness import RETAIL

SDK = "/sdk/digital/chat/v1/integrations/{integrationId}"


@pytest.fixture(scope="module")
def doc(server):
    return server.get("/__sim/openapi.json").json()


def conforms(doc, name_or_schema, value):
    """Validates `value` against a component (by name) or an inline schema of the document."""
    schema = {"$ref": f"#/components/schemas/{name_or_schema}"} if isinstance(name_or_schema, str) else name_or_schema
    root = dict(schema, components=doc["components"])
    jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker()).validate(value)


def answer_schema(doc, method, path, status):
    response = doc["paths"][path][method]["responses"][str(status)]
    return next(iter(response["content"].values()))["schema"]


def test_openapi_document_passes_openapi_spec_validator(doc):
    validate(doc)  # raises on any violation of the OpenAPI 3.1 schema, unresolved $ref, bad link…
    assert doc["openapi"] == "3.1.0"


def test_every_operation_has_a_real_answer_schema_and_an_error_shape(doc):
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            success = [code for code in responses if code.startswith("2")]
            if path in ("/__sim/login", "/__sim/logout"):
                # The console's login and logout answer a 303 redirect to the console.
                success = [code for code in responses if code == "303"]
            assert len(success) == 1, (method, path)
            content = responses[success[0]].get("content")
            if success[0] in ("204", "303"):
                assert content is None, (method, path)
            else:
                schema = next(iter(content.values()))["schema"]
                assert schema != {"type": "object"} and schema != {}, (method, path)
            default = responses["default"]["content"]
            if "openid-connect/token" in path:  # OAuth's own shape; a problem before the endpoint
                assert default["application/json"]["schema"] == {"$ref": "#/components/schemas/OAuthError"}
                assert sorted(default) == ["application/json", "application/problem+json"], (method, path)
            else:
                assert list(default) == ["application/problem+json"], (method, path)
            body = operation.get("requestBody")
            if body is not None:
                schema = next(iter(body["content"].values()))["schema"]
                assert schema.get("properties") or schema.get("anyOf") or schema.get("$ref"), (method, path)


def test_request_schemas_are_recorded_from_the_validators(doc):
    session = doc["paths"][f"{SDK}/sessions"]["post"]["requestBody"]
    assert session["required"] is False  # an empty body is accepted
    props = session["content"]["application/json"]["schema"]["properties"]
    assert props["displayName"] == {"type": ["string", "null"], "maxLength": 70}
    assert props["sessionParameters"]["maxProperties"] == 20
    token = doc["paths"]["/api/digital/chat/v1/accounts/{accountId}/tokens"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert token["required"] == ["customerId", "integrationId"]
    assert token["additionalProperties"] is False  # TokenRequest refuses unknown fields
    assert token["properties"]["integrationId"]["pattern"].startswith("^[0-9a-fA-F]{8}-")
    identifiers = token["properties"]["customerIdentifiers"]
    assert identifiers["maxProperties"] == 10 and identifiers["additionalProperties"]["maxItems"] == 5
    message = doc["paths"][f"{SDK}/engagements/{{engagementId}}/messages"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    text = message["properties"]["body"]["properties"]["elementText"]["properties"]["text"]
    assert text["maxLength"] == 4096 and text["minLength"] == 1
    clock = doc["paths"]["/__sim/accounts/{accountId}/clock"]["put"]["requestBody"]["content"]["application/json"]["schema"]
    assert clock["properties"]["mode"]["enum"] == ["real", "virtual"]
    history = {p["name"]: p for p in doc["paths"][f"{SDK}/engagements/{{engagementId}}/messages"]["get"]["parameters"]}
    assert history["pageSize"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}


def test_links_lead_from_creating_calls_to_the_calls_that_use_their_ids(doc):
    def links(method, path):
        responses = doc["paths"][path][method]["responses"]
        return next(r for code, r in responses.items() if code.startswith("2"))["links"]

    session = links("post", f"{SDK}/sessions")
    assert session["CreateEngagement"]["requestBody"] == {"sessionId": "$response.body#/sessionId"}
    assert session["GetSession"]["parameters"] == {"sessionId": "$response.body#/sessionId", "integrationId": "$request.path.integrationId"}
    assert "PollEvents" in session
    engagement = links("post", f"{SDK}/engagements")
    assert engagement["SendMessage"]["requestBody"]["dialogId"] == "$response.body#/dialogs/0/dialogId"
    assert engagement["AgentJoin"]["parameters"] == {"engagementId": "$response.body#/engagementId"}
    assert links("post", "/__sim/accounts")["CreateIntegration"]["parameters"] == {"accountId": "$response.body#/accountId"}
    assert links("post", "/__sim/accounts/{accountId}/integrations")["DeleteIntegration"]["parameters"]["integrationId"] == \
        "$response.body#/integrationId"
    operation_ids = {op["operationId"] for ops in doc["paths"].values() for op in ops.values()}
    for path, operations in doc["paths"].items():
        for operation in operations.values():
            for response in operation["responses"].values():
                for link in response.get("links", {}).values():
                    assert link["operationId"] in operation_ids, (path, link)


def test_security_schemes_cover_every_credential(doc):
    schemes = doc["components"]["securitySchemes"]
    assert schemes["oauthClientCredentials"]["flows"]["clientCredentials"]["tokenUrl"]
    assert schemes["chatJWT"] == dict(schemes["chatJWT"], type="http", scheme="bearer")
    assert schemes["appKey"]["in"] == "header" and schemes["appKey"]["name"] == "appkey"
    assert schemes["controlToken"]["scheme"] == "bearer"
    assert doc["paths"][f"{SDK}/sessions"]["post"]["security"] == [{"chatJWT": [], "appKey": []}]


def test_a_chat_answers_as_documented(fresh, doc):
    s = fresh
    jwt = s.mint({"integrationId": RETAIL.integration_id, "customerId": "doc-1"}).json()["jwtToken"]
    headers = {"Authorization": f"Bearer {jwt}", "appkey": RETAIL.app_key}
    base = SDK.replace("{integrationId}", RETAIL.integration_id)
    session = s.post(f"{base}/sessions", headers=headers, json={"displayName": "Ann"})
    conforms(doc, answer_schema(doc, "post", f"{SDK}/sessions", 201), session.json())
    sid = session.json()["sessionId"]
    engagement = s.post(f"{base}/engagements", headers=headers, json={"sessionId": sid, "engagementParameters": {"a": "b"}}).json()
    conforms(doc, "Engagement", engagement)
    eid, did = engagement["engagementId"], engagement["dialogs"][0]["dialogId"]
    joined = s.post(f"/__sim/engagements/{eid}/agent/join", json={"displayName": "Alice"})
    conforms(doc, "ParticipantDetail", joined.json())
    for text in ("one", "two"):
        sent = s.post(f"{base}/engagements/{eid}/messages", headers=headers, json={
            "sessionId": sid, "dialogId": did, "body": {"elementType": "TEXT", "elementText": {"text": text}}})
        assert sent.status_code == 201, sent.text
        conforms(doc, "Message", sent.json())
    conforms(doc, "Message", s.post(f"/__sim/engagements/{eid}/agent/message", json={"text": "hi"}).json())
    page = s.get(f"{base}/engagements/{eid}/messages", headers=headers, params={"sessionId": sid, "pageSize": 1})
    conforms(doc, "MessagePage", page.json())
    assert page.json()["links"]["next"].startswith("http")
    events = s.get(f"{base}/sessions/{sid}/events", headers=headers, params={"lastEventId": "0", "waitSeconds": 0})
    conforms(doc, answer_schema(doc, "get", f"{SDK}/sessions/{{sessionId}}/events", 200), events.json())
    conforms(doc, "InspectedEngagement", s.get(f"/__sim/engagements/{eid}").json())
    journal = s.get("/__sim/events", params={"accountId": RETAIL.account_id})
    conforms(doc, answer_schema(doc, "get", "/__sim/events", 200), journal.json())
    sessions = s.get(f"/__sim/accounts/{RETAIL.account_id}/sessions").json()
    conforms(doc, answer_schema(doc, "get", "/__sim/accounts/{accountId}/sessions", 200), sessions)
    conforms(doc, "Engagement", s.post(f"/__sim/engagements/{eid}/end").json())
    conforms(doc, "ProvisionedAccount", s.get(f"/__sim/accounts/{RETAIL.account_id}").json())
    conforms(doc, "Health", s.get("/__sim/health").json())
    conforms(doc, "JWKS", s.get("/.well-known/jwks.json").json())


def test_errors_answer_as_documented(server, doc):
    problem = server.post(f"/__sim/accounts/{RETAIL.account_id}/clock/advance", json={"seconds": "x", "extra": 1})
    assert problem.status_code == 400 and problem.headers["Content-Type"] == "application/problem+json"
    conforms(doc, "Problem", problem.json())
    assert {v["field"] for v in problem.json()["violations"]} == {"seconds", "extra"}
    oauth = server.post(f"/auth/realms/{RETAIL.account_id}/protocol/openid-connect/token",
                        data={"grant_type": "password"}, headers={"appkey": RETAIL.app_key})
    assert oauth.status_code == 400
    conforms(doc, "OAuthError", oauth.json())
