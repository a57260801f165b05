import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, configJsonSchemaText, configSchema } from '../../src/config/schema.js';

describe('config/sluice.schema.json', () => {
  it('is up to date with the zod schema (run `npm run schema` when this fails)', () => {
    const committed = readFileSync(new URL('../../config/sluice.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(configJsonSchemaText());
  });

  it('tells editors how to use it and rejects unknown keys everywhere', () => {
    const schema = configJsonSchema() as {
      description: string;
      additionalProperties: boolean;
      properties: { mappings: { items: { additionalProperties: boolean; properties: Record<string, unknown> } } };
    };
    expect(schema.description).toContain('# yaml-language-server: $schema=');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.mappings.items.additionalProperties).toBe(false);
    const text = configJsonSchemaText();
    expect(text).not.toContain('"additionalProperties": true');
  });

  it('keeps the YAML shape as users write it', () => {
    const parsed = configSchema.parse({
      functions: { orders: { handler: './functions/orders.handler' } },
      mappings: [{ name: 'm', function: 'orders', source: { type: 'sqs', queue: 'q' } }],
    });
    expect(parsed.functions['orders']).toEqual({ handler: './functions/orders.handler', timeout: 3, memorySize: 128, environment: {} });
    expect(parsed.mappings[0]?.batchSize).toBeUndefined();
  });
});
