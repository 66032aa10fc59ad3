// The README's JavaScript example ("Use from your tests"), verbatim: readme.test.mjs checks that.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAxpsim } from '../axpsim.mjs';

let sim, api;
before(async () => {
  sim = await startAxpsim();                           // $AXPSIM_BIN, else axpsim on PATH; free ports
  api = sim.client();
});
after(() => sim.stop());

test('the customer gets the agent\'s answer', async () => {
  const tenant = await api.provisionTenant();          // an isolated account for this test
  await api.freezeClock(tenant.accountId);             // virtual time: nothing moves unless we say so

  // What the page under test does, driven here with fetch: JWT from the back end, session, chat.
  const ann = await api.customer(tenant, { customerId: 'ann', customerName: 'Ann' });
  await ann.startSession({ displayName: 'Ann' });
  const chat = await ann.startChat({ topic: 'refund' });

  // The contact center's side, through the control plane.
  await api.agentJoin(chat.engagementId, { displayName: 'Alice' });
  await api.agentSay(chat.engagementId, 'Hi Ann, how can I help?');
  await ann.say(chat, 'Where is my refund?');

  const answer = await api.waitForEvent(
    (e) => e.eventType === 'MESSAGE' && e.event.participant?.participantType === 'CUSTOMER',
    { accountId: tenant.accountId });
  assert.equal(answer.event.message.body.elementText.text, 'Where is my refund?');

  // 12 minutes later the 15-minute chat JWT is 3 minutes from expiry: one reminder.
  const { fired } = await api.advanceClock(tenant.accountId, 12 * 60);
  assert.equal(fired, 1);
  await api.waitForEvent((e) => e.eventType === 'TOKEN_EXPIRY_REMINDER', { accountId: tenant.accountId });
});
