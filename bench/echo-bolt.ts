/**
 * The Slack baseline: a bare Bolt app on its own HTTP receiver (signature checks included) that
 * acknowledges each direct message and posts one echo back through the same fake Web API.
 * Env: PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL.
 */
import bolt from '@slack/bolt';

const { App, LogLevel } = bolt;
const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET!,
  token: process.env.SLACK_BOT_TOKEN!,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL!, retryConfig: { retries: 0 } },
  logLevel: LogLevel.ERROR,
  tokenVerificationEnabled: false,
  botId: 'BBENCH',
  botUserId: 'UBENCHBOT',
});
app.event('message', async ({ event, client }) => {
  const m = event as { channel: string; text?: string };
  await client.chat.postMessage({ channel: m.channel, text: `echo: ${m.text ?? ''}` });
});
await app.start(Number(process.env.PORT));
process.stdout.write('ready\n');
