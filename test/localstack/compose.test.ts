import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { interpolate, loadConfig } from '../../src/config/index.js';
import { assertControlIsSafe } from '../../src/ops/ops-routes.js';

const dir = fileURLToPath(new URL('../../localstack/', import.meta.url));

/**
 * The essential structure of the Compose Specification, written here because the official
 * JSON schema (https://github.com/compose-spec/compose-spec/blob/main/schema/compose-spec.json)
 * cannot be fetched in this network-less environment. Strict where a typo would silently
 * do nothing (unknown service keys), as the official schema is.
 * @see https://docs.docker.com/reference/compose-file/services/
 */
const duration = z.string().regex(/^\d+(?:ms|s|m|h)$/);
const portMapping = z.string().regex(/^\d{1,5}:\d{1,5}(?:\/(?:tcp|udp))?$/, { error: 'ports must be quoted "HOST:CONTAINER" strings' });
const serviceSchema = z
  .strictObject({
    image: z.string().min(1).optional(),
    build: z.strictObject({ context: z.string().min(1), dockerfile: z.string().min(1).optional() }).optional(),
    entrypoint: z.array(z.string()).min(1).optional(),
    command: z.array(z.string()).optional(),
    ports: z.array(portMapping).optional(),
    environment: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/), z.string()).optional(),
    volumes: z.array(z.string().regex(/^[^:]+:\/[^:]*(?::ro|:rw)?$/)).optional(),
    depends_on: z
      .record(z.string(), z.strictObject({ condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']) }))
      .optional(),
    healthcheck: z
      .strictObject({ test: z.array(z.string()).min(2), interval: duration, timeout: duration, retries: z.number().int().positive() })
      .optional(),
    restart: z.enum(['no', 'always', 'on-failure', 'unless-stopped']).optional(),
  })
  .refine((s) => s.image !== undefined || s.build !== undefined, { error: 'a service needs image or build' });
const composeSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/).optional(),
  services: z.record(z.string().regex(/^[a-zA-Z0-9._-]+$/), serviceSchema),
  volumes: z.record(z.string(), z.object({})).optional(),
});
type Compose = z.infer<typeof composeSchema>;

async function compose(): Promise<Compose> {
  return composeSchema.parse(parse(await readFile(`${dir}docker-compose.yml`, 'utf8')));
}

describe('localstack/docker-compose.yml', () => {
  it('is valid against the essential Compose schema', async () => {
    await expect(compose()).resolves.toBeDefined();
  });

  it('the schema refuses what Compose would refuse or ignore (so the check above can fail)', () => {
    const bad = [
      { services: { a: {} } },
      { services: { a: { image: 'x', ports: [4566] } } },
      { services: { a: { image: 'x', port: ['1:1'] } } },
      { services: { a: { image: 'x', depends_on: { b: { condition: 'healthy' } } } } },
    ];
    for (const doc of bad) expect(composeSchema.safeParse(doc).success).toBe(false);
  });

  it('every depends_on names a service, and waits for LocalStack to be healthy', async () => {
    const { services } = await compose();
    for (const [name, service] of Object.entries(services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(services, `${name} depends on ${dependency}`).toHaveProperty(dependency);
    }
    expect(services['localstack']?.healthcheck?.test.join(' ')).toContain('/_localstack/health');
    expect(services['sluice']?.depends_on).toEqual({
      localstack: { condition: 'service_healthy' },
      'sluice-init': { condition: 'service_completed_successfully' },
    });
  });

  it('sluice-init creates the resources with the CLI; sluice runs the mounted sluice.yaml against LocalStack', async () => {
    const { services } = await compose();
    expect(services['sluice-init']?.entrypoint).toEqual(['node', '/app/bin/sluice.js', 'localstack', 'create-resources', '--endpoint', 'http://localstack:4566']);
    const sluice = services['sluice'];
    expect(sluice?.build).toEqual({ context: '..', dockerfile: 'localstack/Dockerfile' });
    expect(sluice?.environment).toMatchObject({ AWS_ENDPOINT_URL: 'http://localstack:4566', LOCALSTACK_HOST: 'localstack:4566', SLUICE_HTTP_HOST: '0.0.0.0' });
    expect(sluice?.volumes).toContain('./sluice.yaml:/config/sluice.yaml:ro');
    expect(sluice?.volumes).toContain('./functions:/config/functions:ro');
    expect(sluice?.ports).toContain(`${sluice?.environment?.['SLUICE_HTTP_PORT']}:${sluice?.environment?.['SLUICE_HTTP_PORT']}`);
    expect(services['localstack']?.ports).toContain('4566:4566');
  });

  it("sluice.yaml loads with the sluice service's environment, SNS reaching sluice by its service name", async () => {
    const { services } = await compose();
    // Compose interpolates `${VAR:-default}` in the file as sluice does (no variables set here).
    const composed = Object.entries(services['sluice']?.environment ?? {}).map(([k, v]) => [k, interpolate(v, {}).value]);
    const env = { ...Object.fromEntries(composed), SLUICE_STATE_DIR: '/tmp/sluice-compose-test-state' };
    const config = await loadConfig(`${dir}sluice.yaml`, { env });
    expect(config.http).toMatchObject({ host: '0.0.0.0', port: 9323 });
    // Listening off loopback, `sluice run` refuses to start without a control token.
    expect(config.http.token).toBe('sluice-localstack-sandbox');
    expect(() => assertControlIsSafe(config.http.host, config.http.token)).not.toThrow();
    const sns = config.mappings.find((m) => m.source.type === 'sns')?.source;
    expect(sns).toMatchObject({ subscribe: true, endpointUrl: 'http://sluice:9323/sns/notifications' });
  });
});

/** Node release lines with even majors become LTS; 22 and 24 are the LTS lines supported in 2026. */
const LTS_MAJORS = [22, 24] as const;

describe('localstack/Dockerfile', () => {
  async function instructions(): Promise<{ keyword: string; args: string }[]> {
    const text = await readFile(`${dir}Dockerfile`, 'utf8');
    return text
      .replace(/\\\n/g, ' ')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const [keyword = '', ...rest] = line.split(/\s+/);
        return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
      });
  }

  it('builds FROM a Node LTS slim image', async () => {
    const from = (await instructions()).filter((i) => i.keyword === 'FROM');
    expect(from).toHaveLength(1);
    const match = /^node:(\d+)-slim$/.exec(from[0]?.args ?? '');
    expect(match, from[0]?.args).not.toBeNull();
    expect(LTS_MAJORS).toContain(Number(match?.[1]));
  });

  it('installs with npm ci, builds, and runs `sluice run --config /config/sluice.yaml`', async () => {
    const all = await instructions();
    const run = all.filter((i) => i.keyword === 'RUN').map((i) => i.args).join(' && ');
    expect(run).toMatch(/npm ci\b.*&& npm run build/);
    const entrypoint = all.filter((i) => i.keyword === 'ENTRYPOINT');
    expect(entrypoint).toHaveLength(1);
    expect(JSON.parse(entrypoint[0]?.args ?? 'null')).toEqual(['node', '/app/bin/sluice.js', 'run', '--config', '/config/sluice.yaml']);
  });

  it('copies everything the build compiles (tsconfig.build.json includes)', async () => {
    const copied = (await instructions()).filter((i) => i.keyword === 'COPY').flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    const build = JSON.parse(await readFile(fileURLToPath(new URL('../../tsconfig.build.json', import.meta.url)), 'utf8')) as { include: string[] };
    for (const path of [...build.include, 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'bin']) {
      expect(copied).toContain(path);
    }
  });
});
