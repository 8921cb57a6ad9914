// Builds dist/zorgpad-teams.zip, the Teams app package to upload, from manifests/teams/.
import { createWriteStream, mkdirSync } from 'node:fs';
import yazl from 'yazl';
import { renderManifest } from '../src/channels/teams/manifest.js';
import { loadConfig } from '../src/config/env.js';

const config = loadConfig();
if (config.teams.mode !== 'authenticated' || !config.publicHost) {
  process.stderr.write('package:teams: set MicrosoftAppId (with MicrosoftAppPassword) and ZORGPAD_PUBLIC_HOST (e.g. zorgpad.school.nl) first\n');
  process.exit(1);
}
const { files } = renderManifest('manifests/teams', config.teams.appId, config.publicHost);
mkdirSync('dist', { recursive: true });
const zip = new yazl.ZipFile();
for (const [name, content] of Object.entries(files)) zip.addBuffer(content, name);
zip.outputStream.pipe(createWriteStream('dist/zorgpad-teams.zip')).on('close', () => {
  process.stdout.write('dist/zorgpad-teams.zip written\n');
});
zip.end();
