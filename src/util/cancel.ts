/**
 * The reason given when a controller only cancels internal waits (a timer, a race, a
 * heartbeat) once they no longer matter. `abort()` without a reason builds a new
 * `DOMException`, stack trace and all; on a per-batch or per-invocation path that costs more
 * than the work it cancels (it showed in the SQS benchmark's profile).
 */
export const NO_LONGER_NEEDED: Error = Object.freeze(new Error('no longer needed'));

/** Aborts `controller` with {@link NO_LONGER_NEEDED}. */
export function cancel(controller: AbortController | undefined): void {
  controller?.abort(NO_LONGER_NEEDED);
}
