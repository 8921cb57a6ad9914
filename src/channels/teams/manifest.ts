import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Teams manifest with the bot's app id and public host filled in. */
export function renderManifest(dir: string, appId: string, publicHost: string): { manifest: Record<string, unknown>; files: Record<string, Buffer> } {
  const fill = (text: string) => text.replaceAll('{{MICROSOFT_APP_ID}}', appId).replaceAll('{{PUBLIC_HOST}}', publicHost);
  const manifest = JSON.parse(fill(readFileSync(join(dir, 'manifest.json'), 'utf8'))) as Record<string, unknown>;
  const files: Record<string, Buffer> = {
    'manifest.json': Buffer.from(JSON.stringify(manifest, null, 2)),
    'en-us.json': Buffer.from(fill(readFileSync(join(dir, 'en-us.json'), 'utf8'))),
    'color.png': readFileSync(join(dir, 'color.png')),
    'outline.png': readFileSync(join(dir, 'outline.png')),
  };
  return { manifest, files };
}
