import { describe, expect, it } from 'vitest';
import { deliveryKey, parseSlackBody } from '../../src/channels/slack/requests.js';

const submission = (metadata: string, answer: string) =>
  parseSlackBody(
    Buffer.from(
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'view_submission',
          user: { id: 'UDEMO0001' },
          team: { id: 'T1' },
          view: { id: 'V1', callback_id: 'zorgpad.dialog', private_metadata: metadata, state: { values: { answer: { answer: { type: 'plain_text_input', value: answer } } } } },
        }),
      }).toString(),
    ),
    'application/x-www-form-urlencoded',
  )!;

describe('Slack delivery keys', () => {
  it('treat a window submitted twice with the same answer to the same question as one delivery', () => {
    const first = JSON.stringify({ zorgpad: { flowId: 'f', stepId: 'a' } });
    expect(deliveryKey(submission(first, 'nee'))).toBe(deliveryKey(submission(first, 'nee')));
    expect(deliveryKey(submission(first, 'nee'))).not.toBe(deliveryKey(submission(first, 'ja')));
  });

  it('do not take the same answer to the next question in the same window for a repeat', () => {
    const one = JSON.stringify({ zorgpad: { flowId: 'f', stepId: 'a' } });
    const two = JSON.stringify({ zorgpad: { flowId: 'f', stepId: 'b' } });
    expect(deliveryKey(submission(one, 'nee'))).not.toBe(deliveryKey(submission(two, 'nee')));
  });
});
