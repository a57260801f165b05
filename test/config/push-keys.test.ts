import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, validateConfigFile } from '../../src/config/index.js';
import { formatConfigIssue } from '../../src/errors.js';

function configFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-push-keys-'));
  writeFileSync(join(dir, 'f.mjs'), 'export const handler = async () => {};\n');
  const file = join(dir, 'sluice.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('push-source keys (docs/push.md)', () => {
  it('loads queueSize, via.endpointUrl and sns.certificateHosts', async () => {
    const config = await loadConfig(
      configFile(`sns: { certificateHosts: [certs.example.test] }
functions: { f: { handler: ./f.handler } }
mappings:
  - { name: up, function: f, source: { type: s3, bucket: b, via: { topic: t, endpointUrl: "http://127.0.0.1:9323/s3/up" }, queueSize: 50 } }
  - { name: note, function: f, source: { type: sns, topic: t, queueSize: 7 } }
  - { name: tick, function: f, source: { type: schedule, expression: "rate(5 minutes)", queueSize: 3 } }
`),
      { env: {} },
    );
    expect(config.sns).toEqual({ certificateHosts: ['certs.example.test'] });
    expect(config.mappings.map((m) => ('queueSize' in m.source ? m.source.queueSize : undefined))).toEqual([50, 7, 3]);
    expect(config.mappings[0]?.source).toMatchObject({ via: { topic: 't', endpointUrl: 'http://127.0.0.1:9323/s3/up' } });
  });

  it('rejects a queueSize of 0 with its position', async () => {
    const file = configFile(`functions: { f: { handler: ./f.handler } }
mappings:
  - name: note
    function: f
    source: { type: sns, topic: t, queueSize: 0 }
`);
    const { issues } = await validateConfigFile(file, { env: {} });
    expect(issues.map(formatConfigIssue).join('\n')).toMatch(/sluice\.yaml:5:\d+ mappings\[0\]\.source\.queueSize: /);
  });
});
