/** Timeouts, retries with backoff (idempotent calls only) and waiting for a check. */

/** Errors worth retrying: throttling and the service's own faults (AWS SDK v3 marks them `$retryable` / 5xx). */
export function retryable(e: unknown): boolean {
    const err = e as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
    const status = err.$metadata?.httpStatusCode ?? 0;
    return !!err.$retryable || status >= 500 || /Throttl|TooManyRequests|RequestLimitExceeded/.test(err.name ?? "");
}

export interface Timing {
    readonly sleep: (ms: number) => Promise<void>;
    readonly now: () => number;
}

/** Retries `call` on retryable errors: 1 s, 2 s, 4 s ... capped at 20 s, at most `attempts` tries. */
export async function withRetries<T>(timing: Timing, call: () => Promise<T>, attempts = 5): Promise<T> {
    for (let i = 1; ; i++) {
        try {
            return await call();
        } catch (e) {
            if (i >= attempts || !retryable(e)) throw e;
            await timing.sleep(Math.min(20_000, 1000 * 2 ** (i - 1)));
        }
    }
}

/** Polls `check` every `everyMs` until it holds; false once `timeoutSeconds` have passed. */
export async function waitFor(timing: Timing, check: () => Promise<boolean>, timeoutSeconds: number, everyMs = 15_000): Promise<boolean> {
    const deadline = timing.now() + timeoutSeconds * 1000;
    for (;;) {
        if (await check()) return true;
        if (timing.now() >= deadline) return false;
        await timing.sleep(everyMs);
    }
}
