/**
 * Filter pattern problems come from src/filter's `checkFilterCriteria`; it is
 * replaced here so that this test pins only how the loader places them.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { formatConfigIssue } from '../../src/errors.js';
import type { FilterCriteria, SourceType } from '../../src/config/types.js';
import { validateConfigFile } from '../../src/config/load.js';
import { createProject, ORDERS_HANDLER, yaml } from './project-fixture.js';

const calls: { criteria: FilterCriteria; source: SourceType }[] = [];

vi.mock('../../src/filter/index.js', () => ({
  checkFilterCriteria: (criteria: FilterCriteria, source: SourceType) => {
    calls.push({ criteria, source });
    return criteria.filters.flatMap((filter, filterIndex) => {
      const offset = filter.pattern.indexOf('"prefx"');
      return offset === -1 ? [] : [{ filterIndex, offset, message: 'unknown operator "prefx"' }];
    });
  },
}));

const project = createProject({
  'functions/orders.mjs': ORDERS_HANDLER,
  'sluice.yaml': yaml(`
    functions:
      orders:
        handler: ./functions/orders.handler
    mappings:
      - name: m
        function: orders
        source: { type: sqs, queue: q }
        filterCriteria:
          filters:
            - pattern: '{"body":{"a":[{"prefx":"x"}]}}'
            - pattern: |
                {
                  "body": { "b": [{ "prefx": "y" }] }
                }
            - pattern: { body: { c: [{ prefx: z }] } }
            - pattern: '{"body":{"ok":[1]}}'
  `),
});
afterAll(() => project.remove());

describe('filter pattern problems', () => {
  it('are placed at the offending character of string patterns, at the offending key of YAML patterns', async () => {
    const result = await validateConfigFile(project.configFile, { env: {} });
    expect(result.issues.map(formatConfigIssue)).toEqual([
      `${project.configFile}:10:36 mappings[0].filterCriteria.filters[0].pattern: invalid filter pattern: unknown operator "prefx"`,
      `${project.configFile}:13:33 mappings[0].filterCriteria.filters[1].pattern: invalid filter pattern: unknown operator "prefx"`,
      `${project.configFile}:15:36 mappings[0].filterCriteria.filters[2].pattern.body.c[0].prefx: invalid filter pattern: unknown operator "prefx"`,
    ]);
  });

  it('are checked on the JSON strings Lambda would get, with the source type', async () => {
    calls.length = 0;
    await validateConfigFile(project.configFile, { env: {} });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.source).toBe('sqs');
    expect(calls[0]?.criteria.filters[2]).toEqual({ pattern: '{"body":{"c":[{"prefx":"z"}]}}' });
  });
});
