/**
 * The Teams baseline: a bare botbuilder echo bot (CloudAdapter, no credentials, as in local
 * development) on a plain Node HTTP server; the reply goes to the activity's serviceUrl (the fake
 * connector), and an Action.Execute invoke is answered with a small card. Env: PORT.
 */
import { createServer } from 'node:http';
import { ActivityTypes, CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    try {
      const activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Activity;
      let invokeBody: unknown;
      await adapter.processActivityDirect(req.headers.authorization ?? '', activity, async (context) => {
        if (activity.type === ActivityTypes.Invoke) {
          invokeBody = { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'echo' }] } };
          await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: invokeBody } });
        } else {
          await context.sendActivity(`echo: ${activity.text ?? ''}`);
        }
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(invokeBody ? JSON.stringify(invokeBody) : undefined);
    } catch {
      res.writeHead(500).end();
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
