import { randomUUID } from 'node:crypto';
import type { Mapping, ScheduleSource } from '../config/types.js';
import { eventsRuleArn } from '../events/arn.js';
import { scheduledEvent } from '../events/scheduled.js';
import type { MappingStats } from '../runtime/mapping-stats.js';
import type { RuntimeContext } from '../runtime/runtime-context.js';
import { createScheduler, parseScheduleExpression } from '../schedule/index.js';
import { createAsyncIntake } from './async-intake.js';

export interface ScheduleMappingOptions {
  /** Event ids; default random UUIDs (tests pass a counter). */
  readonly newId?: () => string;
}

/**
 * Runs a schedule mapping until `stop` (or until an `at` schedule fired): on every fire time
 * the EventBridge Scheduled Event (`time` the fire time, `resources` the rule ARN
 * `arn:aws:events:<region>:<account>:rule/<mapping name>`) is queued for asynchronous
 * invocation. Fire times missed while sluice was not running are not replayed, as EventBridge
 * does not replay them; a tick that finds the queue full is logged and counted as discarded.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
 */
export async function runScheduleMapping(
  mapping: Mapping & { readonly source: ScheduleSource },
  ctx: RuntimeContext,
  stats: MappingStats,
  stop: AbortSignal,
  abort: AbortSignal,
  options: ScheduleMappingOptions = {},
): Promise<void> {
  const { config } = ctx;
  const logger = ctx.logger.child({ mapping: mapping.name });
  const schedule = parseScheduleExpression(mapping.source.expression, mapping.source.timezone);
  const ruleArn = eventsRuleArn(mapping.name, config.region, config.account);
  const newId = options.newId ?? randomUUID;
  const intake = createAsyncIntake(mapping, ctx, stats);
  try {
    const scheduler = createScheduler({
      schedule,
      clock: ctx.clock,
      signal: stop,
      onTick: (fireTime) => {
        const event = scheduledEvent({ id: newId(), time: fireTime, account: config.account, region: config.region, ruleArn });
        const result = intake.offer(event, 1, { eventId: event.id, time: event.time });
        if (result === 'full') {
          stats.discarded += 1;
          logger.error({ time: event.time, queued: intake.size }, 'schedule tick dropped: the event queue is full');
        }
      },
    });
    await scheduler.done;
    if (!stop.aborted) logger.info({ expression: mapping.source.expression }, 'schedule has no fire time left');
  } finally {
    await intake.drain(abort);
  }
}
