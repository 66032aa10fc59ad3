# The README's Python example ("Use from your tests"), verbatim: test_readme.py checks that.
from axpsim import AxpsimClient, Tenant


def test_customer_gets_the_agents_answer(axpsim: AxpsimClient, axpsim_account: Tenant):
    tenant = axpsim_account                        # a fresh, isolated account for this test
    axpsim.freeze_clock(tenant.account_id)         # virtual time: nothing moves unless we say so

    # What the page under test does: JWT from the back end, session, chat.
    ann = axpsim.customer(tenant, "ann", customer_name="Ann")
    ann.start_session(display_name="Ann")
    chat = ann.start_chat(topic="refund")

    # The contact center's side, through the control plane.
    axpsim.agent_join(chat.engagement_id, display_name="Alice")
    axpsim.agent_say(chat.engagement_id, "Hi Ann, how can I help?")
    ann.say(chat, "Where is my refund?")

    answer = axpsim.wait_for_event(
        lambda e: e["eventType"] == "MESSAGE" and e["event"]["participant"]["participantType"] == "CUSTOMER",
        account_id=tenant.account_id)
    assert answer["event"]["message"]["body"]["elementText"]["text"] == "Where is my refund?"

    # 12 minutes later the 15-minute chat JWT is 3 minutes from expiry: one reminder.
    assert axpsim.advance_clock(tenant.account_id, 12 * 60)["fired"] == 1
    axpsim.wait_for_event(lambda e: e["eventType"] == "TOKEN_EXPIRY_REMINDER", account_id=tenant.account_id)
