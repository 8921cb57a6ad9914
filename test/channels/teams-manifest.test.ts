import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { describe, expect, it } from 'vitest';
import { renderManifest } from '../../src/channels/teams/manifest.js';

describe('Teams app manifest', () => {
  const appId = randomUUID();
  const { manifest, files } = renderManifest('manifests/teams', appId, 'zorgpad.example.nl');

  it('validates offline against the official 1.17 schema', async () => {
    const errors = await AppManifestUtils.validateAgainstSchema(manifest as never);
    expect(errors).toEqual([]);
  });

  it('finds schema problems when there are some (the check works)', async () => {
    const broken = { ...manifest, bots: [{ scopes: ['personal'] }] };
    expect(await AppManifestUtils.validateAgainstSchema(broken as never)).not.toEqual([]);
  });

  it('carries the bot id, both scopes, Dutch command titles and the English localisation', () => {
    expect(manifest).toMatchObject({ id: appId, bots: [{ botId: appId, scopes: ['personal', 'team'] }], validDomains: ['zorgpad.example.nl'] });
    const commands = (manifest.bots as Array<{ commandLists: Array<{ commands: Array<{ title: string }> }> }>)[0]!.commandLists[0]!.commands;
    expect(commands.map((c) => c.title)).toContain('pesten melden');
    expect(Object.keys(files).sort()).toEqual(['color.png', 'en-us.json', 'manifest.json', 'outline.png']);
    expect(files['color.png']!.readUInt32BE(16)).toBe(192);
    expect(files['outline.png']!.readUInt32BE(16)).toBe(32);
  });

  it('is packaged by npm run package:teams into a zip with the four files', () => {
    rmSync('dist/zorgpad-teams.zip', { force: true });
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/package-teams.ts'], {
      env: { PATH: process.env.PATH ?? '', MicrosoftAppId: appId, MicrosoftAppPassword: 'x', ZORGPAD_PUBLIC_HOST: 'zorgpad.example.nl' },
    });
    const zip = readFileSync('dist/zorgpad-teams.zip');
    expect(zip.readUInt32LE(0)).toBe(0x04034b50); // a zip file
    for (const name of ['manifest.json', 'en-us.json', 'color.png', 'outline.png']) expect(zip.includes(Buffer.from(name))).toBe(true);
  });
});
